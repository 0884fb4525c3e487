import { err, ok } from "@/lib/result";
import { agentProxyApi } from "@/lib/service/agent-proxy/api";
import { promptEncoder } from "@/lib/service/agent-proxy/prompt";
import { samplesJsonl } from "@/lib/service/agent-proxy/samples";
import { getSession } from "@/lib/service/agent-proxy/sessions";
import { serviceRoute } from "@/lib/service/core/route";

export const dynamic = "force-dynamic";

// A finished session's Samples as JSON Lines (what Inspect opens).
export const GET = serviceRoute({
  api: agentProxyApi,
  route: "/agent/sessions/{sid}/samples.jsonl",
  parse: ({ params }) => ok(params.sid ?? ""),
  async run(sid) {
    const s = getSession(sid);
    if (!s) return err({ code: "not_found:agent_session", message: `No agent session ${JSON.stringify(sid)}.` });
    if (!s.finished) return err({ code: "conflict:agent_session", message: "The session is not finished: finish it first (its Samples exist only then)." });
    const enc = await promptEncoder();
    const file = `agent-${sid.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 64)}.jsonl`;
    const tree = s.preview?.value?.tree; // kept when the session finished
    const response = new Response(samplesJsonl(s.finished.samples, enc.ok ? enc.value : null, tree && { sid, tree }), {
      headers: { "content-type": "application/x-ndjson; charset=utf-8", "content-disposition": `attachment; filename="${file}"` },
    });
    return ok({ response });
  },
});
