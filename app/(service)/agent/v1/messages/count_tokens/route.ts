import { countTokens } from "@/lib/service/agent-proxy/count-tokens";

export const dynamic = "force-dynamic";

// Anthropic's count_tokens: the exact prompt length of the history as the proxy would render it
// (slime answers 0; the count is a hint to the agent either way, and recording nothing).
export function POST(req: Request): Promise<Response> {
  return countTokens(req);
}
