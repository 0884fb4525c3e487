import { baseSampleSchema } from "@/lib/agent/trajectory";
import { appError, errorResponse } from "@/lib/errors";
import { readJsonBody, validationResponse } from "@/lib/service/core/http";
import { promptEncoder } from "@/lib/service/agent-proxy/prompt";
import { withResponse } from "@/lib/service/agent-proxy/samples";
import { finishSession } from "@/lib/service/agent-proxy/sessions";
import { finishBodySchema } from "./schema";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ sid: string }> };

// slime's finish_session: close the session and answer the Samples it trains on, reward on each.
export async function POST(req: Request, ctx: Ctx): Promise<Response> {
  const { sid } = await ctx.params;
  const body = await readJsonBody(req);
  if (!body.ok) return errorResponse(body.error);
  const parsed = finishBodySchema.safeParse(body.value);
  if (!parsed.success) return validationResponse(parsed.error);
  const b = parsed.data.base_sample;
  const base = baseSampleSchema.safeParse({
    index: b.index ?? null,
    group_index: b.group_index ?? null,
    rollout_id: b.rollout_id ?? null,
    ...(b.prompt !== undefined ? { prompt: b.prompt } : {}),
    ...(b.label !== undefined ? { label: b.label } : {}),
  });
  if (!base.success) return errorResponse(appError("unprocessable:base_sample", `base_sample: ${base.error.issues[0]?.message ?? "invalid"}`, "base_sample"));
  const { samples } = await finishSession(sid, { baseSample: base.data, reward: parsed.data.reward, extraMetadata: parsed.data.extra_metadata });
  const enc = await promptEncoder();
  return Response.json({ samples: samples.map((e) => withResponse(e, enc.ok ? enc.value : null)) });
}
