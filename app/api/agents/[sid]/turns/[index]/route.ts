import { AppError } from "@/lib/errors";
import { withInput } from "@/lib/http/route";
import { turnTokens } from "@/lib/service/agent-proxy/view";
import { agentIndexParamsSchema } from "../../schema";

export const dynamic = "force-dynamic";

// One turn's tokens: the prompt from just before its drift boundary, then the output with logprobs.
export const GET = withInput({ params: agentIndexParamsSchema }, async ({ params }) => {
  const v = await turnTokens(params.sid, params.index);
  if (!v) throw new AppError("not_found:agent_turn", `No turn ${params.index} in agent session ${JSON.stringify(params.sid)}.`);
  return v;
});
