import "server-only";
import type { z } from "zod";
import { err, ok, type Result } from "@/lib/result";
import { parseJsonBody } from "@/lib/service/core/body";
import { serviceRoute } from "@/lib/service/core/route";
import { sandboxFusionApi } from "./api";
import type { Timed } from "@/lib/service/core/execute";
import { sandboxFusionTraffic, type SandboxFusionRequestView, type SandboxFusionResultView } from "./traffic";

// A SandboxFusion route on the service layer: a JSON body checked by the route's schema, a queue
// timeout answered 504 (verl retries it), and anything else that goes wrong answered as
// SandboxFusion does: HTTP 200 with status SandboxError (nothing may take the server down).

export function sandboxFusionRoute<S extends z.ZodType, R extends SandboxFusionResultView>(spec: {
  route: "/sandbox-fusion/run_code" | "/sandbox-fusion/run_jupyter";
  schema: S;
  /** What the Traffic page shows of the request. */
  describe(input: z.infer<S>): SandboxFusionRequestView;
  run(input: z.infer<S>, signal: AbortSignal): Promise<Result<Timed<R>>>;
  /** The response as the Traffic page shows it (compile/run results). */
  view(resp: R): SandboxFusionResultView;
  sandboxError(message: string): R;
}) {
  return serviceRoute<z.infer<S>, R>({
    api: sandboxFusionApi,
    route: spec.route,
    parse: ({ request }) => parseJsonBody(request, spec.schema),
    async run(input, { signal }) {
      let out: Result<Timed<R>>;
      try {
        out = await spec.run(input, signal);
      } catch (e) {
        console.error(`[sandbox-fusion] ${spec.route} failed`, e);
        return ok({ body: spec.sandboxError(`The sandbox failed: ${e instanceof Error ? e.message : String(e)}`) });
      }
      if (!out.ok) {
        // Only a queue timeout is an HTTP error; a missing backend is the sandbox's problem (SandboxError).
        return out.error.code.startsWith("timeout:") ? err(out.error) : ok({ body: spec.sandboxError(out.error.message) });
      }
      const { value, queue_ms, run_ms, backend, isolation, cold_ms } = out.value;
      // The isolation level is an extra field: SandboxFusion's clients (verl, the sandbox_fusion
      // package's pydantic models) ignore fields they do not know.
      return ok({ body: isolation ? { ...value, isolation } : value, record: { queue_ms, run_ms, backend, ...(isolation ? { isolation } : {}), ...(cold_ms !== undefined ? { cold_ms } : {}) } });
    },
    toTraffic: (call) => sandboxFusionTraffic(call, spec.describe, spec.view),
  });
}
