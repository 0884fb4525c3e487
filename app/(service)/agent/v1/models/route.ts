import { modelsList } from "@/lib/service/agent-proxy/count-tokens";

export const dynamic = "force-dynamic";

// One model, listed in a shape both the OpenAI and the Anthropic clients read.
export function GET(): Response {
  return Response.json(modelsList());
}
