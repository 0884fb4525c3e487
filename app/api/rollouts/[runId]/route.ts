import { subscribeRun } from "@/lib/rollout/chat-sessions";
import { jsonError, ndjsonResponse } from "@/lib/rollout/ndjson";
import { runParamsSchema } from "./schema";

export const dynamic = "force-dynamic";

// Re-attaches to a run in progress (after a reload): every event from the start, then live.
export async function GET(req: Request, ctx: { params: Promise<{ runId: string }> }): Promise<Response> {
  const p = runParamsSchema.safeParse(await ctx.params);
  if (!p.success) return jsonError(400, "bad_request:run", "Not a run id.");
  const events = subscribeRun(p.data.runId, req.signal);
  if (!events) return jsonError(404, "not_found:run", "This run is not in progress; its saved record is in the session.");
  return ndjsonResponse(null, events);
}
