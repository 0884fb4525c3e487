import "server-only";
import { z } from "zod";
import { registerTool, type ToolDefinition } from "@/lib/sandbox/tools";
import { extractTar } from "@/lib/sandbox/tar-extract";
import type { ToolResult } from "@/lib/sandbox/types";

// put_archive (HttpSandboxManager.put_archive / put_dir: POST /sandbox/{id}/archive?target_dir=…
// with a tar body) as an internal tool: it needs the sandbox's own file primitives, so it runs
// inside the session like any tool, but only ms-enclave sandboxes declare it and no client can call
// it by name (the routes only offer the tools the client asked for).

export const ARCHIVE_TOOL = "service_ms_enclave_put_archive";

const archiveArgs = z.object({
  target_dir: z.string().min(1),
  archive: z.instanceof(Buffer),
});

const archiveTool: ToolDefinition<typeof archiveArgs> = {
  name: ARCHIVE_TOOL,
  description: "Internal: extract an uploaded tar archive into the sandbox (ms-enclave put_archive).",
  schema: archiveArgs,
  async execute(args, ctx): Promise<ToolResult> {
    const started = performance.now();
    const r = await extractTar(ctx.runtime.fs, args.target_dir, args.archive);
    const duration_ms = Math.round(performance.now() - started);
    if (!r.ok) return { tool_name: ARCHIVE_TOOL, status: "error", output: "", error: r.error.message, duration_ms };
    return { tool_name: ARCHIVE_TOOL, status: "success", output: "", duration_ms, meta: { archive: r.value } };
  },
};
registerTool(archiveTool);
