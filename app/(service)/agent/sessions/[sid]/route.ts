import { ok, err } from "@/lib/result";
import { agentProxyApi } from "@/lib/service/agent-proxy/api";
import { dropSession, getSession, summary } from "@/lib/service/agent-proxy/sessions";
import { serviceRoute } from "@/lib/service/core/route";

export const dynamic = "force-dynamic";

const sidOf = ({ params }: { params: Record<string, string> }) => ok(params.sid ?? "");
const missing = (sid: string) => err({ code: "not_found:agent_session" as const, message: `No agent session ${JSON.stringify(sid)}.` });

// One session: its summary and recorded turns.
export const GET = serviceRoute({
  api: agentProxyApi,
  route: "/agent/sessions/{sid}",
  parse: sidOf,
  run: async (sid) => {
    const s = getSession(sid);
    if (!s) return missing(sid);
    return ok({ body: { session: summary(s), turns: s.turns } });
  },
});

// Drops a session's turns; the id stays closed, so an agent still running with it is refused.
export const DELETE = serviceRoute({
  api: agentProxyApi,
  route: "/agent/sessions/{sid}",
  parse: sidOf,
  run: async (sid) => {
    const s = getSession(sid);
    if (!s) return missing(sid);
    await dropSession(s);
    return ok({ body: { session: summary(s) } });
  },
  toTraffic: (call) => ({ ...(call.input ? { session_id: call.input } : {}), ...(call.error ? {} : { status: "dropped" }) }),
});
