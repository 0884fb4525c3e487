import "server-only";
import { z } from "zod";
import { globalStore } from "@/lib/global-store";
import type { SandboxConfig, SandboxRuntime, ToolResult } from "../types";
import { codeInterpreter } from "./code-interpreter";
import { fileOperation } from "./file-operation";
import { multiCodeExecutor } from "./multi-code-executor";
import { notebookExecutor } from "./notebook-executor";
import { pythonExecutor } from "./python-executor";
import { shellExecutor } from "./shell-executor";
import type { ToolContext, ToolDefinition } from "./types";

export type { ToolContext, ToolDefinition } from "./types";

// Tool name -> definition, like ms-enclave's register_tool. Other tools (notebook_executor,
// multi_code_executor) are added with registerTool() from their own module.
// Process-wide: a production build may load this module once per route bundle, and a backend made
// by one bundle must see tools registered by another (the service API's SandboxFusion tools).
const registry = globalStore("sandbox-tool-registry", () => new Map<string, ToolDefinition>());

export function registerTool<S extends z.ZodType>(def: ToolDefinition<S>): void {
  registry.set(def.name, def as unknown as ToolDefinition);
}

export function getTool(name: string): ToolDefinition | undefined {
  return registry.get(name);
}

export function registeredToolNames(): string[] {
  return [...registry.keys()];
}

registerTool(pythonExecutor);
registerTool(shellExecutor);
registerTool(fileOperation);
registerTool(codeInterpreter);
registerTool(multiCodeExecutor);
registerTool(notebookExecutor);

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
