import { openAiWire } from "@/lib/service/agent-proxy/openai";
import { runAgentTurn } from "@/lib/service/agent-proxy/turn";

export const dynamic = "force-dynamic";

// OpenAI Chat Completions for agents (codex, any OpenAI client): one recorded turn per request.
// The body is read loosely, as slime's adapter reads it (see lib/service/agent-proxy/openai.ts).
export function POST(req: Request): Promise<Response> {
  return runAgentTurn(openAiWire, req, "/agent/v1/chat/completions");
}
