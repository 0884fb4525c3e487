import "server-only";
import { z } from "zod";
import { checkPolicy } from "../policy";
import { effectiveTimeout, resultFromRun } from "./result";
import { blocked } from "./python-executor";
import type { ToolDefinition } from "./types";

export const shellExecutorArgs = z.object({
  /** A script, or a list of commands run one after another in the same bash (joined by newlines). */
  command: z.union([z.string(), z.array(z.string())]),
  timeout: z.number().positive().optional(),
});

export const shellExecutor: ToolDefinition<typeof shellExecutorArgs> = {
  name: "shell_executor",
  description: "Run a bash command or script in the session directory. Returns stdout, stderr and the exit code.",
  schema: shellExecutorArgs,
  async execute(args, ctx) {
    const script = Array.isArray(args.command) ? args.command.join("\n") : args.command;
    // Module rules are Python-only; blocked patterns apply to shell too.
    const verdict = checkPolicy(script, ctx.config.policy, false);
    if (!verdict.ok) return blocked("shell_executor", verdict.error.rule);
    const timeout = effectiveTimeout(args.timeout, ctx.config.limits.timeout_s);
    const run = await ctx.runtime.run({
      argv: ["/bin/bash", "-c", script],
      env: ctx.config.env,
      limits: { ...ctx.config.limits, timeout_s: timeout },
      signal: ctx.signal,
    });
    return resultFromRun("shell_executor", run, timeout);
  },
};
