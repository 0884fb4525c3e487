import "server-only";
import type { z } from "zod";
import { clientOf } from "@/lib/traffic/client";
import { readJsonBody, refusedResponse, validationResponse } from "@/lib/service/core/http";
import type { ServiceOutcome } from "./run";
import { recordSandboxFusionCall, type SandboxFusionCall } from "./traffic";

// What every SandboxFusion route does around its own work: read and validate the body, answer a
// queue timeout with 504, turn anything unexpected into SandboxFusion's SandboxError (nothing may
// take the server down), and record one Traffic entry per call, whatever happened to it.

type CallBase = Pick<SandboxFusionCall, "language" | "code" | "stdin" | "files">;

export async function sandboxFusionRoute<S extends z.ZodType, R extends { status: string; message: string; files: Record<string, string> }>(
  req: Request,
  spec: {
    route: SandboxFusionCall["route"];
    schema: S;
    /** What the Traffic page shows of the request. */
    describe(input: z.infer<S>): CallBase;
    run(input: z.infer<S>, signal: AbortSignal): Promise<ServiceOutcome<R>>;
    /** The result fields of the Traffic record (compile/run results). */
    results(resp: R): Pick<SandboxFusionCall, "compile_result" | "run_result">;
    sandboxError(message: string): R;
  },
): Promise<Response> {
  const time = Date.now();
  const { ip: client, userAgent: user_agent } = clientOf(req);
  const route = spec.route;
  const body = await readJsonBody(req);
  if (!body.ok) {
    const res = refusedResponse(body.error);
    recordSandboxFusionCall({ time, client, user_agent, route, http_status: res.status, status: body.error.code, message: body.error.message });
    return res;
  }
  const parsed = spec.schema.safeParse(body.value);
  if (!parsed.success) {
    const res = validationResponse(parsed.error);
    const code = (body.value as { code?: unknown } | null)?.code;
    recordSandboxFusionCall({
      time, client, user_agent, route, http_status: res.status, status: "unprocessable:body",
      ...(typeof code === "string" ? { code } : {}),
      message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    });
    return res;
  }
  const request = { time, client, user_agent, route, ...spec.describe(parsed.data) };
  try {
    const out = await spec.run(parsed.data, req.signal);
    // Only a queue timeout is an HTTP error; a missing backend is the sandbox's problem (SandboxError).
    if (out.refused && !out.refused.ok && out.refused.error.code.startsWith("timeout:")) {
      const res = refusedResponse(out.refused.error);
      recordSandboxFusionCall({ ...request, http_status: res.status, status: out.refused.error.code, message: out.refused.error.message, queue_ms: out.queue_ms });
      return res;
    }
    const resp = out.response;
    recordSandboxFusionCall({
      ...request,
      http_status: 200,
      status: resp.status,
      ...spec.results(resp),
      fetched: resp.files,
      message: resp.message,
      queue_ms: out.queue_ms,
      run_ms: out.run_ms,
      ...(out.backend ? { backend: out.backend } : {}),
    });
    return Response.json(resp);
  } catch (e) {
    console.error(`[sandbox-fusion] ${route} failed`, e);
    const resp = spec.sandboxError(`The sandbox failed: ${e instanceof Error ? e.message : String(e)}`);
    recordSandboxFusionCall({ ...request, http_status: 200, status: resp.status, message: resp.message });
    return Response.json(resp);
  }
}
