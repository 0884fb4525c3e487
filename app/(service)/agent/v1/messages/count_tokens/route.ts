import { agentAnthropicApi } from "@/lib/service/agent-proxy/api";
import { countTokens, parseObjectBody } from "@/lib/service/agent-proxy/count-tokens";
import { serviceRoute } from "@/lib/service/core/route";

export const dynamic = "force-dynamic";

// Anthropic's count_tokens: a hint the agent asks for every turn; not recorded in Traffic.
export const POST = serviceRoute({
  api: agentAnthropicApi,
  route: "/agent/v1/messages/count_tokens",
  parse: ({ request }) => parseObjectBody(request),
  run: (body) => countTokens(body),
});
