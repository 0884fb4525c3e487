import "server-only";
import { z } from "zod";
import { checkPolicy } from "../policy";
import type { RunOutcome, ToolResult } from "../types";
import { hostLanguages, languageSpecs, resolveLanguage } from "./multi-code-languages";
import { blocked } from "./python-executor";
import { effectiveTimeout, resultFromRun } from "./result";
import type { ToolContext, ToolDefinition } from "./types";

export const multiCodeExecutorArgs = z.object({
  language: z.string().min(1),
  code: z.string(),
  /** Extra files written next to the source first: relative path -> text content. */
  files: z.record(z.string(), z.string()).optional(),
  /** Seconds for the compile step (compiled languages); may lower the sandbox timeout, never raise it. */
  compile_timeout: z.number().positive().optional(),
  /** Seconds for the program itself. */
  run_timeout: z.number().positive().optional(),
});
export type MultiCodeExecutorArgs = z.infer<typeof multiCodeExecutorArgs>;

const TOOL = "multi_code_executor";

/** Languages this runtime can run: the image's list (docker) or the host's binaries (local). */
export async function supportedLanguages(ctx: Pick<ToolContext, "runtime">): Promise<string[]> {
  const names = ctx.runtime.languages ? await ctx.runtime.languages() : hostLanguages();
  // Keep the table's order (python, bash, nodejs, c, cpp, go, …).
  return languageSpecs.map((l) => l.name).filter((n) => names.includes(n));
}

export const multiCodeExecutor: ToolDefinition<typeof multiCodeExecutorArgs> = {
  name: TOOL,
  description:
    "Compile (when needed) and run a program in one of the sandbox's languages (python, bash, nodejs, c, cpp, go, rust, java, …). " +
    "The source is saved as main.<ext> (Main.java for Java) in /sandbox; compile errors are reported separately from runtime errors.",
  schema: multiCodeExecutorArgs,
  async execute(args, ctx): Promise<ToolResult> {
    const started = performance.now();
    const supported = await supportedLanguages(ctx);
    const spec = resolveLanguage(args.language, supported);
    if (!spec) {
      return {
        tool_name: TOOL,
        status: "error",
        output: "",
        error: `Language "${args.language}" is not supported on the ${ctx.runtime.backend} backend. Supported: ${supported.join(", ") || "(none)"}.`,
        duration_ms: 0,
        meta: { supported },
      };
    }
    const verdict = checkPolicy(args.code, ctx.config.policy, spec.name === "python");
    if (!verdict.ok) return blocked(TOOL, verdict.error.rule);

    try {
      for (const [p, content] of Object.entries(args.files ?? {})) await ctx.runtime.fs.write(p, Buffer.from(content, "utf8"));
      await ctx.runtime.fs.write(spec.file, Buffer.from(args.code, "utf8"));
    } catch (e) {
      return { tool_name: TOOL, status: "error", output: "", error: `Could not write the source files: ${e instanceof Error ? e.message : String(e)}`, duration_ms: 0 };
    }

    const limitS = ctx.config.limits.timeout_s;
    const env = ctx.config.env;
    let compile: (RunOutcome & { timeout_s: number }) | undefined;
    if (spec.compile) {
      const timeout_s = effectiveTimeout(args.compile_timeout, limitS);
      const run = await ctx.runtime.run({ argv: spec.compile, env, limits: { ...ctx.config.limits, timeout_s }, signal: ctx.signal });
      compile = { ...run, timeout_s };
      const ok = !run.failure && !run.timed_out && !run.cancelled && run.exit_code === 0;
      if (!ok) {
        const r = resultFromRun(TOOL, run, timeout_s);
        return {
          ...r,
          error: run.cancelled ? r.error : `Compilation failed: ${r.error ?? `exit code ${run.exit_code}`}`,
          duration_ms: Math.round(performance.now() - started),
          meta: { language: spec.name, phase: "compile", compile: compileMeta(compile) },
        };
      }
    }
    const timeout_s = effectiveTimeout(args.run_timeout, limitS);
    const run = await ctx.runtime.run({ argv: spec.run, env, limits: { ...ctx.config.limits, timeout_s }, signal: ctx.signal });
    const r = resultFromRun(TOOL, run, timeout_s);
    return {
      ...r,
      duration_ms: Math.round(performance.now() - started),
      meta: { language: spec.name, phase: "run", ...(compile ? { compile: compileMeta(compile) } : {}) },
    };
  },
};

function compileMeta(c: RunOutcome & { timeout_s: number }) {
  return {
    status: c.failure ? "error" : c.cancelled ? "cancelled" : c.timed_out ? "timeout" : c.exit_code === 0 ? "success" : "error",
    exit_code: c.exit_code,
    stdout: c.stdout,
    stderr: c.stderr,
    duration_ms: c.duration_ms,
    ...(c.failure ? { failure: c.failure } : {}),
  };
}
