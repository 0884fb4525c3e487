import "server-only";
import { executeToolCall } from "./tools";
import type { BackendName, ExecuteOptions, Sandbox, SandboxConfig, SandboxRuntime, ToolResult } from "./types";

/**
 * A Sandbox on top of any backend's SandboxRuntime: tool lookup, validation and policy live in the
 * tool registry, so every backend behaves the same. Backends only supply run() and fs. Trusted
 * server code reaches the runtime itself through useRuntime (no tool, no untyped result).
 */
export function createToolSandbox(opts: {
  id: string;
  backend: BackendName;
  config: SandboxConfig;
  runtime: SandboxRuntime;
  onClose: () => Promise<void>;
}): Sandbox {
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await opts.onClose();
  };
  return {
    id: opts.id,
    backend: opts.backend,
    config: opts.config,
    get isolated() {
      return opts.runtime.isolated;
    },
    get isolation() {
      return opts.runtime.isolation;
    },
    tools: () => Object.keys(opts.config.tools_config),
    async executeTool(name: string, args: unknown, eo?: ExecuteOptions): Promise<ToolResult> {
      if (closed) {
        return { tool_name: name, status: "error", output: "", error: "This sandbox session is closed.", duration_ms: 0 };
      }
      const result = await executeToolCall(name, args, { runtime: opts.runtime, config: opts.config, signal: eo?.signal });
      return { ...result, isolation: opts.runtime.isolation };
    },
    async useRuntime(fn) {
      if (closed) throw new Error("This sandbox session is closed.");
      return fn(opts.runtime, opts.config);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
