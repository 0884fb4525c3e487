import { agentAnthropicApi } from "@/lib/service/agent-proxy/api";
import { anthropicWire } from "@/lib/service/agent-proxy/anthropic";
import { agentTurnRoute } from "@/lib/service/agent-proxy/turn";

export const dynamic = "force-dynamic";

// Anthropic Messages for agents (claude-code, any Anthropic client): one recorded turn per request.
export const POST = agentTurnRoute(anthropicWire, agentAnthropicApi, "/agent/v1/messages");
