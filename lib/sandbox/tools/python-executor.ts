import "server-only";
import { z } from "zod";
import { checkPolicy } from "../policy";
import type { ToolResult } from "../types";
import { effectiveTimeout, resultFromRun } from "./result";
import type { ToolDefinition } from "./types";

export const pythonExecutorArgs = z.object({
  code: z.string(),
  /** Seconds; may lower the sandbox's timeout, never raise it. */
  timeout: z.number().positive().optional(),
});

// Arguments to exec() are capped at 128 KiB each by Linux; bigger programs go through stdin.
const MAX_ARG_CODE = 100 * 1024;

export const pythonExecutor: ToolDefinition<typeof pythonExecutorArgs> = {
  name: "python_executor",
  description: "Run Python code in a fresh interpreter (stateless). Returns stdout, stderr and the exit code.",
  schema: pythonExecutorArgs,
  async execute(args, ctx): Promise<ToolResult> {
    const verdict = checkPolicy(args.code, ctx.config.policy);
    if (!verdict.ok) return blocked("python_executor", verdict.error.rule);
    const python = ctx.runtime.python;
    if (!python) return noPython("python_executor");
    const timeout = effectiveTimeout(args.timeout, ctx.config.limits.timeout_s);
    const big = Buffer.byteLength(args.code) > MAX_ARG_CODE;
    const run = await ctx.runtime.run({
      argv: big ? [python, "-c", "import sys;exec(compile(sys.stdin.read(),'<string>','exec'))"] : [python, "-c", args.code],
      ...(big ? { stdin: args.code } : {}),
      env: ctx.config.env,
      limits: { ...ctx.config.limits, timeout_s: timeout },
      signal: ctx.signal,
    });
    return resultFromRun("python_executor", run, timeout);
  },
};

export function blocked(tool_name: string, rule: string): ToolResult {
  return { tool_name, status: "error", output: "", error: `Blocked by the code policy: ${rule}.`, duration_ms: 0 };
}

export function noPython(tool_name: string): ToolResult {
  return {
    tool_name,
    status: "error",
    output: "",
    error: "No Python interpreter is available on this backend. Install python3 or set PLAYGROUND_PYTHON.",
    duration_ms: 0,
  };
}
