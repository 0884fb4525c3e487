import "server-only";
import { extractTar } from "@/lib/sandbox/tar-extract";
import type { SandboxRuntime } from "@/lib/sandbox/types";

// put_archive (HttpSandboxManager.put_archive / put_dir: POST /sandbox/{id}/archive?target_dir=…
// with a tar body): the confined extraction of lib/sandbox/tar-extract.ts, run on the held
// sandbox's own file primitives (Sandbox.useRuntime). Not a tool: no client or model can name it.

export function putArchiveInto(runtime: SandboxRuntime, targetDir: string, archive: Buffer) {
  return extractTar(runtime.fs, targetDir, archive);
}
