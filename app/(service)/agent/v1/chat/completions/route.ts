import { agentOpenAiApi } from "@/lib/service/agent-proxy/api";
import { openAiWire } from "@/lib/service/agent-proxy/openai";
import { agentTurnRoute } from "@/lib/service/agent-proxy/turn";

export const dynamic = "force-dynamic";

// OpenAI Chat Completions for agents (codex, any OpenAI client): one recorded turn per request.
// The body is read loosely, as slime's adapter reads it (see lib/service/agent-proxy/openai.ts).
export const POST = agentTurnRoute(openAiWire, agentOpenAiApi, "/agent/v1/chat/completions");
