import { AppError } from "@/lib/errors";
import { withInput } from "@/lib/http/route";
import { sampleTokens } from "@/lib/service/agent-proxy/view";
import { agentIndexParamsSchema } from "../../schema";

export const dynamic = "force-dynamic";

// One Sample's tokens, each with its loss mask and why it has it.
export const GET = withInput({ params: agentIndexParamsSchema }, async ({ params }) => {
  const v = await sampleTokens(params.sid, params.index);
  if (!v) throw new AppError("not_found:agent_sample", `No Sample ${params.index} in agent session ${JSON.stringify(params.sid)}.`);
  return v;
});
