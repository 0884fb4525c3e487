import "server-only";
import { executeToolCall } from "./tools";
import type { BackendName, ExecuteOptions, OutputTap, Sandbox, SandboxConfig, SandboxRuntime, ToolResult } from "./types";

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
      const runtime = eo?.onOutput ? tapped(opts.runtime, eo.onOutput) : opts.runtime;
      const result = await executeToolCall(name, args, { runtime, config: opts.config, signal: eo?.signal });
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

/** The same runtime, with every run's output also handed to `tap` (a proxy: runtimes are class instances). */
function tapped(runtime: SandboxRuntime, tap: OutputTap): SandboxRuntime {
  return new Proxy(runtime, {
    get(target, prop) {
      if (prop === "run") return (spec: Parameters<SandboxRuntime["run"]>[0]) => target.run({ ...spec, onOutput: tap });
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
