import { runCodeRequest } from "@/lib/service/sandbox-fusion/run";
import { sandboxFusionRoute } from "@/lib/service/sandbox-fusion/route";
import { runCodeSandboxError } from "@/lib/service/sandbox-fusion/wire";
import { runCodeRequestSchema } from "./schema";

export const dynamic = "force-dynamic";

// SandboxFusion's POST /run_code. Handled failures (compile errors, timeouts, a language we lack,
// a sandbox that broke) are HTTP 200 with the status in the body; bad input is 400/413/422; a
// request that waited too long for a sandbox slot is 504, which clients retry.
export const POST = sandboxFusionRoute({
  route: "/sandbox-fusion/run_code",
  schema: runCodeRequestSchema,
  describe: (r) => ({ language: r.language, code: r.code, stdin: r.stdin, files: r.files }),
  run: (r, signal) => runCodeRequest(r, { signal }),
  view: (resp) => resp,
  sandboxError: runCodeSandboxError,
});
