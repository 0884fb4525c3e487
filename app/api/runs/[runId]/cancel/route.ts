import { NextResponse } from "next/server";
import { AppError, errorResponse } from "@/lib/errors";
import { cancelRun } from "@/lib/sandbox/sessions";
import { cancelParamsSchema, type CancelResponse } from "./schema";

// The Editor's Cancel button. The core API cancels through an AbortSignal; this route is the one
// place a run is found by its id, because the Editor's runs are server actions and Next runs one
// client's server actions one after another, so a cancel action would queue behind its own run.
export async function POST(_request: Request, ctx: { params: Promise<{ runId: string }> }) {
  const parsed = cancelParamsSchema.safeParse(await ctx.params);
  if (!parsed.success) return errorResponse(new AppError("bad_request:run_id", "Not a run id.", { field: "runId" }));
  const body: CancelResponse = { runId: parsed.data.runId, cancelled: cancelRun(parsed.data.runId) };
  return NextResponse.json(body);
}
