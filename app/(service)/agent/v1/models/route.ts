import { agentOpenAiApi } from "@/lib/service/agent-proxy/api";
import { modelsList } from "@/lib/service/agent-proxy/count-tokens";
import { noInput, serviceRoute } from "@/lib/service/core/route";
import { ok } from "@/lib/result";

export const dynamic = "force-dynamic";

// One model, listed in a shape both the OpenAI and the Anthropic clients read.
export const GET = serviceRoute({
  api: agentOpenAiApi,
  route: "/agent/v1/models",
  parse: noInput,
  run: async () => ok({ body: modelsList() }),
});
