import { z } from "zod";
import { startRun, subscribeRun } from "@/lib/rollout/chat-sessions";
import { jsonError, ndjsonResponse } from "@/lib/rollout/ndjson";
import { startRolloutSchema, type RunStartedLine } from "./schema";

export const dynamic = "force-dynamic";

// Starts a rollout and streams its events as NDJSON. The run lives on the server:
// closing this stream does not stop it (POST /api/rollouts/<id>/stop does).
export async function POST(req: Request): Promise<Response> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return jsonError(400, "bad_request:body", "The request body is not JSON.");
  }
  const parsed = startRolloutSchema.safeParse(body);
  if (!parsed.success) return jsonError(400, "bad_request:body", z.prettifyError(parsed.error));
  const started = await startRun(parsed.data.session_id, parsed.data.from, parsed.data.settings);
  if (!started.ok) return jsonError(started.code.startsWith("not_found") ? 404 : 409, started.code, started.message);
  const events = subscribeRun(started.run.id, req.signal);
  if (!events) return jsonError(500, "internal", "The run ended before it could be streamed.");
  const first: RunStartedLine = {
    type: "run",
    run: { id: started.run.id, n: started.run.n, ...(started.run.parent ? { parent: started.run.parent } : {}) },
  };
  return ndjsonResponse(first, events);
}
