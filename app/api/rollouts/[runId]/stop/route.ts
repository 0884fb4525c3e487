import { stopRun } from "@/lib/rollout/chat-sessions";
import { jsonError } from "@/lib/rollout/ndjson";
import { runParamsSchema } from "../schema";

export const dynamic = "force-dynamic";

// Stop: aborts the model request and kills the sandbox run in flight.
export async function POST(_req: Request, ctx: { params: Promise<{ runId: string }> }): Promise<Response> {
  const p = runParamsSchema.safeParse(await ctx.params);
  if (!p.success) return jsonError(400, "bad_request:run", "Not a run id.");
  return Response.json({ stopped: stopRun(p.data.runId) }, { headers: { "cache-control": "no-store" } });
}
