import "server-only";
import type { z } from "zod";
import { err, ok } from "@/lib/result";
import { parseJsonBody } from "@/lib/service/core/body";
import { serviceRoute } from "@/lib/service/core/route";
import { sandboxFusionApi } from "./api";
import type { ServiceOutcome } from "./run";
import { sandboxFusionTraffic, type SandboxFusionRequestView, type SandboxFusionResultView } from "./traffic";

// A SandboxFusion route on the service layer: a JSON body checked by the route's schema, a queue
// timeout answered 504 (verl retries it), and anything else that goes wrong answered as
// SandboxFusion does: HTTP 200 with status SandboxError (nothing may take the server down).

export function sandboxFusionRoute<S extends z.ZodType, R extends SandboxFusionResultView>(spec: {
  route: "/sandbox-fusion/run_code" | "/sandbox-fusion/run_jupyter";
  schema: S;
  /** What the Traffic page shows of the request. */
  describe(input: z.infer<S>): SandboxFusionRequestView;
  run(input: z.infer<S>, signal: AbortSignal): Promise<ServiceOutcome<R>>;
  /** The response as the Traffic page shows it (compile/run results). */
  view(resp: R): SandboxFusionResultView;
  sandboxError(message: string): R;
}) {
  return serviceRoute<z.infer<S>, R>({
    api: sandboxFusionApi,
    route: spec.route,
    parse: ({ request }) => parseJsonBody(request, spec.schema),
    async run(input, { signal }) {
      let out: ServiceOutcome<R>;
      try {
        out = await spec.run(input, signal);
      } catch (e) {
        console.error(`[sandbox-fusion] ${spec.route} failed`, e);
        return ok({ body: spec.sandboxError(`The sandbox failed: ${e instanceof Error ? e.message : String(e)}`) });
      }
      // Only a queue timeout is an HTTP error; a missing backend is the sandbox's problem (SandboxError).
      if (out.refused && !out.refused.ok && out.refused.error.code.startsWith("timeout:")) return err(out.refused.error);
      return ok({ body: out.response, record: { queue_ms: out.queue_ms, run_ms: out.run_ms, ...(out.backend ? { backend: out.backend } : {}) } });
    },
    toTraffic: (call) => sandboxFusionTraffic(call, spec.describe, spec.view),
  });
}
