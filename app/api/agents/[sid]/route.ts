import { AppError } from "@/lib/errors";
import { withInput } from "@/lib/http/route";
import { getSession } from "@/lib/service/agent-proxy/sessions";
import { sessionView } from "@/lib/service/agent-proxy/view";
import { agentSessionParamsSchema, agentViewQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

// The Agents page's view of one session (polled; `since` skips an unchanged session).
export const GET = withInput({ params: agentSessionParamsSchema, query: agentViewQuerySchema }, ({ params, query }) => {
  const s = getSession(params.sid);
  if (!s) throw new AppError("not_found:agent_session", `No agent session ${JSON.stringify(params.sid)}.`);
  if (query.since !== undefined && s.version <= query.since) return Response.json({ unchanged: true }, { headers: { "cache-control": "no-store" } });
  return Response.json(sessionView(params.sid, query.turns), { headers: { "cache-control": "no-store" } });
});
