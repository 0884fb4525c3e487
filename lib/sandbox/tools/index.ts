import "server-only";
import { z } from "zod";
import type { SandboxConfig, SandboxRuntime, ToolResult } from "../types";
import { codeInterpreter } from "./code-interpreter";
import { fileOperation } from "./file-operation";
import { multiCodeExecutor } from "./multi-code-executor";
import { notebookExecutor } from "./notebook-executor";
import { pythonExecutor } from "./python-executor";
import { shellExecutor } from "./shell-executor";
import type { ToolContext, ToolDefinition } from "./types";

export type { ToolContext, ToolDefinition } from "./types";

// Tool name -> definition, like ms-enclave's register_tool: the tools a model may call, and only
// those. Trusted server code that needs more (SandboxFusion's run_code, the service's wipe) calls
// typed functions on the runtime through Sandbox.useRuntime instead of registering a tool.
const registry = new Map<string, ToolDefinition>(
  [pythonExecutor, shellExecutor, fileOperation, codeInterpreter, multiCodeExecutor, notebookExecutor].map((t) => [t.name, t as unknown as ToolDefinition]),
);

export function getTool(name: string): ToolDefinition | undefined {
  return registry.get(name);
}

export function registeredToolNames(): string[] {
  return [...registry.keys()];
}

/** OpenAI-style function specs for declared tools (what a model is shown). */
export function toolSpecs(names: string[]) {
  return names.flatMap((name) => {
    const def = registry.get(name);
    if (!def) return [];
    return [
      {
        type: "function" as const,
        function: { name, description: def.description, parameters: z.toJSONSchema(def.schema, { io: "input" }) as Record<string, unknown> },
      },
    ];
  });
}

/**
 * Runs one tool call. Never throws: an undeclared/unknown tool, invalid arguments or a crash in the
 * tool come back as an error ToolResult.
 */
export async function executeToolCall(
  name: string,
  rawArgs: unknown,
  ctx: { runtime: SandboxRuntime; config: SandboxConfig; signal?: AbortSignal },
): Promise<ToolResult> {
  const declared = Object.keys(ctx.config.tools_config);
  const fail = (error: string): ToolResult => ({ tool_name: name, status: "error", output: "", error, duration_ms: 0 });
  const list = declared.length ? declared.join(", ") : "(none)";
  if (!Object.hasOwn(ctx.config.tools_config, name)) {
    return fail(`Tool "${name}" is not available in this sandbox. Declared tools: ${list}.`);
  }
  const def = registry.get(name);
  if (!def) return fail(`Tool "${name}" is declared but unknown to this server. Declared tools: ${list}.`);
  const parsed = def.schema.safeParse(rawArgs ?? {});
  if (!parsed.success) return fail(`Invalid arguments for ${name}: ${z.prettifyError(parsed.error)}`);
  const toolCtx: ToolContext = {
    runtime: ctx.runtime,
    config: ctx.config,
    toolConfig: ctx.config.tools_config[name] ?? {},
    signal: ctx.signal,
  };
  try {
    return await def.execute(parsed.data, toolCtx);
  } catch (e) {
    console.error(`[sandbox] tool ${name} crashed`, e);
    return fail(`Tool ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
