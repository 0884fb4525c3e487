import { NextResponse } from "next/server";
import { cancelRun } from "@/lib/sandbox/sessions";
import { cancelParamsSchema, type CancelResponse } from "./schema";

// A route handler rather than a server action: Next runs one client's server
// actions one after another, so a cancel action would queue behind its own run.
export async function POST(_request: Request, ctx: { params: Promise<{ runId: string }> }) {
  const parsed = cancelParamsSchema.safeParse(await ctx.params);
  if (!parsed.success) {
    return NextResponse.json({ error: "bad_request:run_id", message: "Not a run id." }, { status: 400 });
  }
  const body: CancelResponse = { runId: parsed.data.runId, cancelled: cancelRun(parsed.data.runId) };
  return NextResponse.json(body);
}
