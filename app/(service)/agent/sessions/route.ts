import { agentProxyApi } from "@/lib/service/agent-proxy/api";
import { listSessions } from "@/lib/service/agent-proxy/sessions";
import { noInput, serviceRoute } from "@/lib/service/core/route";
import { ok } from "@/lib/result";

export const dynamic = "force-dynamic";

// The agent proxy's sessions, newest first (polled by the Agents page: not recorded in Traffic).
export const GET = serviceRoute({
  api: agentProxyApi,
  parse: noInput,
  run: async () => ok({ body: { sessions: listSessions() } }),
});
