import { z } from "zod";
import { AppError, errorResponse } from "@/lib/errors";
import { startRun } from "@/lib/rollout/chat-runs";
import { liveRunResponse } from "@/lib/rollout/live-runs";
import { startRolloutSchema, type RunStartedLine } from "./schema";

export const dynamic = "force-dynamic";

// Starts a rollout and streams its events as NDJSON. The run lives on the server:
// closing this stream does not stop it (POST /api/rollouts/<id>/stop does).
export async function POST(req: Request): Promise<Response> {
  let body: unknown;
  try {
    body = await req.json();
  } catch {
    return errorResponse(new AppError("bad_request:body", "The request body is not JSON."));
  }
  const parsed = startRolloutSchema.safeParse(body);
  if (!parsed.success) return errorResponse(new AppError("bad_request:body", z.prettifyError(parsed.error)));
  const started = await startRun(parsed.data.session_id, parsed.data.from, parsed.data.settings);
  if (!started.ok) return errorResponse(started.error);
  const run = started.value;
  const first: RunStartedLine = { type: "run", run: { id: run.id, n: run.n, ...(run.parent ? { parent: run.parent } : {}) } };
  return liveRunResponse(req.signal, run.id, first);
}
