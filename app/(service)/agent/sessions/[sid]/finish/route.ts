import { baseSampleSchema } from "@/lib/agent/trajectory";
import { err, ok } from "@/lib/result";
import { agentProxyApi } from "@/lib/service/agent-proxy/api";
import { promptEncoder } from "@/lib/service/agent-proxy/prompt";
import { withResponse } from "@/lib/service/agent-proxy/samples";
import { finishSession } from "@/lib/service/agent-proxy/sessions";
import { parseJsonBody } from "@/lib/service/core/body";
import { serviceRoute } from "@/lib/service/core/route";
import { finishBodySchema } from "./schema";

export const dynamic = "force-dynamic";

// slime's finish_session: close the session and answer the Samples it trains on, reward on each.
export const POST = serviceRoute({
  api: agentProxyApi,
  route: "/agent/sessions/{sid}/finish",
  async parse({ request, params }) {
    const body = await parseJsonBody(request, finishBodySchema);
    if (!body.ok) return body;
    const b = body.value.base_sample;
    const base = baseSampleSchema.safeParse({
      index: b.index ?? null,
      group_index: b.group_index ?? null,
      rollout_id: b.rollout_id ?? null,
      ...(b.prompt !== undefined ? { prompt: b.prompt } : {}),
      ...(b.label !== undefined ? { label: b.label } : {}),
    });
    if (!base.success) return err({ code: "unprocessable:base_sample", message: `base_sample: ${base.error.issues[0]?.message ?? "invalid"}`, field: "base_sample" });
    return ok({ sid: params.sid ?? "", baseSample: base.data, reward: body.value.reward, extraMetadata: body.value.extra_metadata });
  },
  async run({ sid, ...opts }) {
    const { samples } = await finishSession(sid, opts);
    const enc = await promptEncoder();
    return ok({ body: { samples: samples.map((e) => withResponse(e, enc.ok ? enc.value : null)) } });
  },
  toTraffic: (call) => ({
    ...(call.input ? { session_id: call.input.sid } : {}),
    ...(call.output ? { status: "finished", message: `${call.output.samples.length} samples` } : {}),
  }),
});
