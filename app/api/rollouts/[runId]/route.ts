import { AppError, errorResponse } from "@/lib/errors";
import { hasLiveRun, liveRunResponse } from "@/lib/rollout/live-runs";
import { runParamsSchema } from "./schema";

export const dynamic = "force-dynamic";

// Re-attaches to a run in progress (after a reload): every event from the start, then live.
export async function GET(req: Request, ctx: { params: Promise<{ runId: string }> }): Promise<Response> {
  const p = runParamsSchema.safeParse(await ctx.params);
  if (!p.success) return errorResponse(new AppError("bad_request:run", "Not a run id."));
  if (!hasLiveRun(p.data.runId))
    return errorResponse(new AppError("not_found:run", "This run is not in progress; its saved record is in the session."));
  return liveRunResponse(req.signal, p.data.runId);
}
