import { clientAddress, readJsonBody, refusedResponse, validationResponse } from "@/lib/service/http";
import { runCode, type RunCodeResponse } from "@/lib/service/sandbox-fusion";
import { recordSandboxFusionCall } from "@/lib/service/sandbox-fusion-traffic";
import { decodeFiles } from "@/lib/service/schema";
import { runCodeRequestSchema } from "./schema";

export const dynamic = "force-dynamic";

const route = "/sandbox-fusion/run_code";

// SandboxFusion's POST /run_code. Handled failures (compile errors, timeouts, a language we lack,
// a sandbox that broke) are HTTP 200 with the status in the body; bad input is 400/413/422; a
// request that waited too long for a sandbox slot is 504, which clients retry.
export async function POST(req: Request): Promise<Response> {
  const time = Date.now();
  const client = clientAddress(req);
  const body = await readJsonBody(req);
  if (!body.ok) {
    const res = refusedResponse(body.error);
    recordSandboxFusionCall({ time, client, route, http_status: res.status, status: body.error.code, message: body.error.message });
    return res;
  }
  const parsed = runCodeRequestSchema.safeParse(body.value);
  if (!parsed.success) {
    const res = validationResponse(parsed.error);
    const code = (body.value as { code?: unknown } | null)?.code;
    recordSandboxFusionCall({
      time,
      client,
      route,
      http_status: res.status,
      status: "unprocessable:body",
      ...(typeof code === "string" ? { code } : {}),
      message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    });
    return res;
  }
  const r = parsed.data;
  const request = { time, client, route, language: r.language, code: r.code, stdin: r.stdin, files: r.files } as const;
  try {
    const out = await runCode(
      {
        language: r.language,
        code: r.code,
        ...(typeof r.stdin === "string" ? { stdin: r.stdin } : {}),
        files: decodeFiles(r.files),
        fetch_files: r.fetch_files,
        compile_timeout: r.compile_timeout,
        run_timeout: r.run_timeout,
        memory_limit_MB: r.memory_limit_MB,
      },
      { signal: req.signal },
    );
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
      compile_result: resp.compile_result,
      run_result: resp.run_result,
      fetched: resp.files,
      message: resp.message,
      queue_ms: out.queue_ms,
      run_ms: out.run_ms,
      ...(out.backend ? { backend: out.backend } : {}),
    });
    return Response.json(resp);
  } catch (e) {
    // Nothing may take the server down: an unexpected failure is SandboxFusion's SandboxError.
    console.error("[sandbox-fusion] run_code failed", e);
    const resp: RunCodeResponse = {
      status: "SandboxError",
      message: `The sandbox failed: ${e instanceof Error ? e.message : String(e)}`,
      compile_result: null,
      run_result: null,
      executor_pod_name: null,
      files: {},
    };
    recordSandboxFusionCall({ ...request, http_status: 200, status: resp.status, message: resp.message });
    return Response.json(resp);
  }
}
