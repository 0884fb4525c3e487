import { withInput } from "@/lib/http/route";
import { startRun } from "@/lib/rollout/chat-runs";
import { liveRunResponse } from "@/lib/rollout/live-runs";
import { unwrap } from "@/lib/result";
import { startRolloutSchema, type RunStartedLine } from "./schema";

export const dynamic = "force-dynamic";

// Starts a rollout and streams its events as NDJSON. The run lives on the server:
// closing this stream does not stop it (POST /api/rollouts/<id>/stop does).
export const POST = withInput({ body: startRolloutSchema }, async ({ req, body }) => {
  const run = unwrap(await startRun(body.session_id, body.from, body.settings));
  const first: RunStartedLine = { type: "run", run: { id: run.id, n: run.n, ...(run.parent ? { parent: run.parent } : {}) } };
  return liveRunResponse(req.signal, run.id, first);
});
