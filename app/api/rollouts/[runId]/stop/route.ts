import { AppError, errorResponse } from "@/lib/errors";
import { stopRun } from "@/lib/rollout/live-runs";
import { runParamsSchema } from "../schema";

export const dynamic = "force-dynamic";

// Stop: aborts the model request and kills the sandbox run in flight.
export async function POST(_req: Request, ctx: { params: Promise<{ runId: string }> }): Promise<Response> {
  const p = runParamsSchema.safeParse(await ctx.params);
  if (!p.success) return errorResponse(new AppError("bad_request:run", "Not a run id."));
  return Response.json({ stopped: stopRun(p.data.runId) }, { headers: { "cache-control": "no-store" } });
}
