import { clientAddress, readJsonBody, refusedResponse, validationResponse } from "@/lib/service/http";
import { runJupyter, type RunJupyterResponse } from "@/lib/service/sandbox-fusion";
import { recordSandboxFusionCall } from "@/lib/service/sandbox-fusion-traffic";
import { decodeFiles } from "@/lib/service/schema";
import { runJupyterRequestSchema } from "./schema";

export const dynamic = "force-dynamic";

const route = "/sandbox-fusion/run_jupyter";

// SandboxFusion's POST /run_jupyter: the cells in a fresh kernel (a fresh sandbox per request);
// per cell stdout, stderr, display MIME bundles and errors.
export async function POST(req: Request): Promise<Response> {
  const time = Date.now();
  const client = clientAddress(req);
  const body = await readJsonBody(req);
  if (!body.ok) {
    const res = refusedResponse(body.error);
    recordSandboxFusionCall({ time, client, route, http_status: res.status, status: body.error.code, message: body.error.message });
    return res;
  }
  const parsed = runJupyterRequestSchema.safeParse(body.value);
  if (!parsed.success) {
    const res = validationResponse(parsed.error);
    recordSandboxFusionCall({ time, client, route, http_status: res.status, status: "unprocessable:body", message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
    return res;
  }
  const r = parsed.data;
  const request = { time, client, route, language: "python", code: r.cells.join("\n\n# ---- next cell ----\n\n"), files: r.files } as const;
  try {
    const out = await runJupyter(
      { cells: r.cells, cell_timeout: r.cell_timeout, total_timeout: r.total_timeout, memory_limit_MB: r.memory_limit_MB, files: decodeFiles(r.files), fetch_files: r.fetch_files },
      { signal: req.signal },
    );
    if (out.refused && !out.refused.ok && out.refused.error.code.startsWith("timeout:")) {
      const res = refusedResponse(out.refused.error);
      recordSandboxFusionCall({ ...request, http_status: res.status, status: out.refused.error.code, message: out.refused.error.message, queue_ms: out.queue_ms });
      return res;
    }
    const resp = out.response;
    const stdout = resp.cells.map((c) => c.stdout).join("");
    const stderr = resp.cells.map((c) => c.stderr + c.error.map((e) => `${String(e.ename)}: ${String(e.evalue)}\n`).join("")).join("");
    recordSandboxFusionCall({
      ...request,
      http_status: 200,
      status: resp.status,
      run_result: resp.driver ? { ...resp.driver, stdout, stderr } : null,
      fetched: resp.files,
      message: resp.message,
      queue_ms: out.queue_ms,
      run_ms: out.run_ms,
      ...(out.backend ? { backend: out.backend } : {}),
    });
    return Response.json(resp);
  } catch (e) {
    console.error("[sandbox-fusion] run_jupyter failed", e);
    const resp: RunJupyterResponse = { status: "SandboxError", message: `The sandbox failed: ${e instanceof Error ? e.message : String(e)}`, driver: null, cells: [], executor_pod_name: null, files: {} };
    recordSandboxFusionCall({ ...request, http_status: 200, status: resp.status, message: resp.message });
    return Response.json(resp);
  }
}
