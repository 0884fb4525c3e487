import { appError, errorResponse } from "@/lib/errors";
import { promptEncoder } from "@/lib/service/agent-proxy/prompt";
import { samplesJsonl } from "@/lib/service/agent-proxy/samples";
import { getSession } from "@/lib/service/agent-proxy/sessions";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ sid: string }> };

// A finished session's Samples as JSON Lines (what Inspect opens).
export async function GET(_req: Request, ctx: Ctx): Promise<Response> {
  const { sid } = await ctx.params;
  const s = getSession(sid);
  if (!s) return errorResponse(appError("not_found:agent_session", `No agent session ${JSON.stringify(sid)}.`));
  if (!s.finished) return errorResponse(appError("conflict:agent_session", "The session is not finished: finish it first (its Samples exist only then)."));
  const enc = await promptEncoder();
  const file = `agent-${sid.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 64)}.jsonl`;
  return new Response(samplesJsonl(s.finished.samples, enc.ok ? enc.value : null), {
    headers: { "content-type": "application/x-ndjson; charset=utf-8", "content-disposition": `attachment; filename="${file}"` },
  });
}
