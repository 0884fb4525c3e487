import { anthropicWire } from "@/lib/service/agent-proxy/anthropic";
import { runAgentTurn } from "@/lib/service/agent-proxy/turn";

export const dynamic = "force-dynamic";

// Anthropic Messages for agents (claude-code, any Anthropic client): one recorded turn per request.
export function POST(req: Request): Promise<Response> {
  return runAgentTurn(anthropicWire, req, "/agent/v1/messages");
}
