import { runJupyterRequest } from "@/lib/service/sandbox-fusion/run";
import { sandboxFusionRoute } from "@/lib/service/sandbox-fusion/route";
import { runJupyterSandboxError } from "@/lib/service/sandbox-fusion/wire";
import { runJupyterRequestSchema } from "./schema";

export const dynamic = "force-dynamic";

// SandboxFusion's POST /run_jupyter: the cells in a fresh kernel (a fresh sandbox per request);
// per cell stdout, stderr, display MIME bundles and errors.
export const POST = sandboxFusionRoute({
  route: "/sandbox-fusion/run_jupyter",
  schema: runJupyterRequestSchema,
  describe: (r) => ({ language: "python", code: r.cells.join("\n\n# ---- next cell ----\n\n"), files: r.files }),
  run: (r, signal) => runJupyterRequest(r, { signal }),
  // The Traffic page shows one run: the cells' output together, errors after their stderr.
  view: (resp) => ({
    ...resp,
    run_result: resp.driver
      ? {
          ...resp.driver,
          stdout: resp.cells.map((c) => c.stdout).join(""),
          stderr: resp.cells.map((c) => c.stderr + c.error.map((e) => `${String(e.ename)}: ${String(e.evalue)}\n`).join("")).join(""),
        }
      : null,
  }),
  sandboxError: runJupyterSandboxError,
});
