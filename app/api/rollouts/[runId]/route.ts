import { AppError } from "@/lib/errors";
import { withInput } from "@/lib/http/route";
import { hasLiveRun, liveRunResponse } from "@/lib/rollout/live-runs";
import { runParamsSchema } from "./schema";

export const dynamic = "force-dynamic";

// Re-attaches to a run in progress (after a reload): every event from the start, then live.
export const GET = withInput({ params: runParamsSchema }, ({ req, params }) => {
  if (!hasLiveRun(params.runId)) throw new AppError("not_found:run", "This run is not in progress; its saved record is in the session.");
  return liveRunResponse(req.signal, params.runId);
});
