import "server-only";
import { z } from "zod";
import { registerTool, type ToolContext, type ToolDefinition } from "@/lib/sandbox/tools";
import { compileCached } from "@/lib/sandbox/tools/compile-cache";
import { supportedLanguages } from "@/lib/sandbox/tools/multi-code-executor";
import { resolveLanguage } from "@/lib/sandbox/tools/multi-code-languages";
import { signalNumber } from "@/lib/sandbox/proc";
import type { BackendName, Limits, RunOutcome, ToolResult } from "@/lib/sandbox/types";
import { RECYCLE_TOOL, withCleanSandbox, withFreshSandbox, type Timed } from "@/lib/service/core/execute";
import type { Result } from "@/lib/result";

// SandboxFusion's wire semantics (bytedance/SandboxFusion sandbox/server/sandbox_api.py and
// sandbox/runners/*) on top of our sandboxes: one run_code request = one fresh sandbox, an
// optional compile step, one run with stdin, then the fetched files. Two internal tools carry the
// work into the sandbox (they need the runtime's raw process and file primitives); they are only
// ever declared in the per-request sandboxes made here, so no model sees them.

export const commandRunStatuses = ["Finished", "Error", "TimeLimitExceeded"] as const;
export type CommandRunStatus = (typeof commandRunStatuses)[number];
export const runStatuses = ["Success", "Failed", "SandboxError"] as const;
export type RunStatus = (typeof runStatuses)[number];

export interface CommandRunResult {
  status: CommandRunStatus;
  /** Seconds. */
  execution_time: number | null;
  return_code: number | null;
  stdout: string | null;
  stderr: string | null;
}

export interface RunCodeResponse {
  status: RunStatus;
  message: string;
  compile_result: CommandRunResult | null;
  run_result: CommandRunResult | null;
  executor_pod_name: string | null;
  files: Record<string, string>;
}

export interface CellRunResult {
  stdout: string;
  stderr: string;
  display: Record<string, unknown>[];
  error: Record<string, unknown>[];
}

export interface RunJupyterResponse {
  status: RunStatus;
  message: string;
  driver: CommandRunResult | null;
  cells: CellRunResult[];
  executor_pod_name: string | null;
  files: Record<string, string>;
}

/** Our language names as SandboxFusion spells them (the rest are the same). */
const sandboxFusionSpelling: Record<string, string> = { r: "R", d_ut: "D_ut" };
export const toSandboxFusionName = (name: string) => sandboxFusionSpelling[name] ?? name;

/** Per fetched file and for all of them together. */
const FETCH_FILE_MAX_BYTES = 16 * 1024 * 1024;
const FETCH_TOTAL_MAX_BYTES = 64 * 1024 * 1024;
/** Output per stream, as SandboxFusion has no cap but a JSON response must stay bounded. */
const OUTPUT_BYTES = 4 * 1024 * 1024;
/** Memory when the request says -1 (no limit): the Docker container's own cap still applies. */
const UNLIMITED_MEMORY_MB = 4096;
const MAX_MEMORY_MB = 16384;

const fileInput = z.object({ path: z.string(), data: z.instanceof(Buffer) });

const runCodeArgs = z.object({
  language: z.string(),
  code: z.string(),
  stdin: z.string().optional(),
  files: z.array(fileInput),
  fetch_files: z.array(z.string()),
  compile_timeout_s: z.number().positive(),
  run_timeout_s: z.number().positive(),
  memory_mb: z.number().int().positive(),
});
type RunCodeArgs = z.infer<typeof runCodeArgs>;

const runJupyterArgs = z.object({
  cells: z.array(z.string()),
  cell_timeout_s: z.number().nonnegative(),
  total_timeout_s: z.number().positive(),
  files: z.array(fileInput),
  fetch_files: z.array(z.string()),
});
type RunJupyterArgs = z.infer<typeof runJupyterArgs>;

/** What the tools hand back in ToolResult.meta. */
type SandboxFusionMeta =
  | { kind: "run_code"; compile_result: CommandRunResult | null; run_result: CommandRunResult | null; files: Record<string, string> }
  | { kind: "run_jupyter"; driver: CommandRunResult; cells: CellRunResult[]; files: Record<string, string>; finished: boolean }
  | { kind: "sandbox_error"; message: string };

const RUN_CODE_TOOL = "service_sandbox_fusion_run_code";
const RUN_JUPYTER_TOOL = "service_sandbox_fusion_run_jupyter";

function toolResult(tool: string, meta: SandboxFusionMeta): ToolResult {
  return { tool_name: tool, status: meta.kind === "sandbox_error" ? "error" : "success", output: "", duration_ms: 0, meta: { sandbox_fusion: meta } };
}

/** A process outcome as SandboxFusion's CommandRunResult (killed by a signal: -signum, as Python reports it). */
export function commandResult(run: RunOutcome): CommandRunResult {
  const execution_time = Math.round(run.duration_ms) / 1000;
  const sig = run.signal ? signalNumber(run.signal) : undefined;
  const ended = run.exit_code !== null || sig !== undefined;
  // A process that ran and was stopped by a limit (e.g. the output cap) is the program's failure;
  // one that never started is the sandbox's.
  if (run.failure && ended && !run.cancelled) {
    const stderr = run.stderr ? `${run.stderr}${run.stderr.endsWith("\n") ? "" : "\n"}${run.failure}` : run.failure;
    return { status: "Finished", execution_time, return_code: run.exit_code ?? -(sig ?? 1), stdout: run.stdout, stderr };
  }
  if (run.failure || run.cancelled) {
    return { status: "Error", execution_time, return_code: null, stdout: run.stdout, stderr: run.failure ?? "The run was cancelled." };
  }
  if (run.timed_out) return { status: "TimeLimitExceeded", execution_time, return_code: null, stdout: run.stdout, stderr: run.stderr };
  const return_code = run.exit_code ?? (sig !== undefined ? -sig : -1);
  return { status: "Finished", execution_time, return_code, stdout: run.stdout, stderr: run.stderr };
}

/** SandboxFusion's parse_run_status: an Error is the sandbox's fault; a timeout or non-zero exit is Failed. */
export function topStatus(compile: CommandRunResult | null, run: CommandRunResult | null): { status: RunStatus; message: string } {
  const steps = [compile, run].filter((s): s is CommandRunResult => s !== null);
  const broken = steps.find((s) => s.status === "Error");
  if (broken) return { status: "SandboxError", message: broken.stderr ?? "" };
  if (steps.some((s) => s.status === "TimeLimitExceeded")) return { status: "Failed", message: "" };
  if (steps.some((s) => s.return_code !== null && s.return_code !== 0)) return { status: "Failed", message: "" };
  return { status: "Success", message: "" };
}

async function writeFiles(ctx: ToolContext, files: RunCodeArgs["files"]): Promise<void> {
  for (const f of files) await ctx.runtime.fs.write(f.path, f.data);
}

/** Existing regular files among `paths`, base64; missing ones and ones outside the sandbox are left out (as SandboxFusion does). */
async function fetchFiles(ctx: ToolContext, paths: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let total = 0;
  for (const p of paths) {
    try {
      if (!(await ctx.runtime.fs.exists(p))) continue;
      const data = await ctx.runtime.fs.read(p, { max_bytes: Math.min(FETCH_FILE_MAX_BYTES, FETCH_TOTAL_MAX_BYTES - total) + 1 });
      if (data.length > FETCH_FILE_MAX_BYTES || total + data.length > FETCH_TOTAL_MAX_BYTES) {
        console.warn(`[sandbox-fusion] fetch_files: ${JSON.stringify(p)} is over the size cap; left out`);
        continue;
      }
      total += data.length;
      out[p] = data.toString("base64");
    } catch {
      // A directory, a path outside the sandbox or a symlink out of it: not a file we can return.
    }
  }
  return out;
}

function limitsFor(ctx: ToolContext, timeoutS: number, memoryMb: number): Limits {
  return { ...ctx.config.limits, timeout_s: timeoutS, cpu_time_s: Math.max(1, Math.ceil(timeoutS) + 1), memory_mb: memoryMb, output_bytes: OUTPUT_BYTES };
}

const runCodeTool: ToolDefinition<typeof runCodeArgs> = {
  name: RUN_CODE_TOOL,
  description: "Internal: one SandboxFusion run_code request.",
  schema: runCodeArgs,
  async execute(args, ctx) {
    const supported = await supportedLanguages(ctx);
    const spec = resolveLanguage(args.language, supported);
    if (!spec) {
      return toolResult(RUN_CODE_TOOL, {
        kind: "sandbox_error",
        message: `Language "${args.language}" is not supported by this sandbox (${ctx.runtime.backend} backend). Supported: ${supported.map(toSandboxFusionName).join(", ") || "(none)"}.`,
      });
    }
    try {
      await writeFiles(ctx, args.files);
      await ctx.runtime.fs.write(spec.file, Buffer.from(args.code, "utf8"));
    } catch (e) {
      return toolResult(RUN_CODE_TOOL, { kind: "sandbox_error", message: `Could not write the request's files: ${e instanceof Error ? e.message : String(e)}` });
    }
    const env = ctx.config.env;
    let compile_result: CommandRunResult | null = null;
    let run_result: CommandRunResult | null = null;
    if (spec.compile) {
      // The sandbox is fresh or wiped: it holds exactly these files, so they are the compile's inputs.
      const inputs = new Map(args.files.map((f) => [f.path, f.data]));
      inputs.set(spec.file, Buffer.from(args.code, "utf8"));
      const { run } = await compileCached(
        ctx.runtime,
        { argv: spec.compile, env, limits: limitsFor(ctx, args.compile_timeout_s, args.memory_mb), signal: ctx.signal },
        { files: [...inputs].map(([path, data]) => ({ path, data })) },
      );
      compile_result = commandResult(run);
    }
    if (!compile_result || (compile_result.status === "Finished" && compile_result.return_code === 0)) {
      const run = await ctx.runtime.run({
        argv: spec.run,
        env,
        // Fed exactly as given: no newline is added; absent stdin reads as empty.
        ...(args.stdin !== undefined ? { stdin: args.stdin } : {}),
        limits: limitsFor(ctx, args.run_timeout_s, args.memory_mb),
        signal: ctx.signal,
      });
      run_result = commandResult(run);
    }
    const files = await fetchFiles(ctx, args.fetch_files);
    return toolResult(RUN_CODE_TOOL, { kind: "run_code", compile_result, run_result, files });
  },
};

const notebookExecuteSchema = z.object({
  ok: z.literal(true),
  status: z.enum(["ok", "error", "timeout"]),
  outputs: z.array(z.record(z.string(), z.unknown())),
});

const runJupyterTool: ToolDefinition<typeof runJupyterArgs> = {
  name: RUN_JUPYTER_TOOL,
  description: "Internal: one SandboxFusion run_jupyter request.",
  schema: runJupyterArgs,
  async execute(args, ctx) {
    const fail = (message: string) => toolResult(RUN_JUPYTER_TOOL, { kind: "sandbox_error", message });
    if (!ctx.runtime.notebook) return fail(`The ${ctx.runtime.backend} backend has no Jupyter kernel.`);
    const channel = await ctx.runtime.notebook();
    if (!channel.ok) return fail(channel.error.message);
    const nb = channel.value;
    try {
      await writeFiles(ctx, args.files);
    } catch (e) {
      return fail(`Could not write the request's files: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      // Kernel start-up is not charged to total_timeout (SandboxFusion's driver starts it first too).
      await nb.request({ op: "start" }, { timeoutMs: 90_000 });
    } catch (e) {
      return fail(`The Jupyter kernel did not start: ${e instanceof Error ? e.message : String(e)}`);
    }
    const started = performance.now();
    const cells: CellRunResult[] = [];
    let timedOut = false;
    for (const code of args.cells) {
      const left = args.total_timeout_s - (performance.now() - started) / 1000;
      if (left <= 0) {
        timedOut = true;
        break;
      }
      const timeout = args.cell_timeout_s > 0 ? Math.min(args.cell_timeout_s, left) : left;
      let raw: Record<string, unknown>;
      try {
        raw = await nb.request({ op: "execute", code, timeout_s: timeout }, { timeoutMs: timeout * 1000 + 30_000 });
      } catch (e) {
        return fail(`The Jupyter kernel failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      const res = notebookExecuteSchema.safeParse(raw);
      if (!res.success) return fail("The notebook driver answered in an unexpected shape.");
      cells.push(cellResult(res.data.outputs));
      if (res.data.status === "timeout") {
        timedOut = true;
        break;
      }
    }
    const execution_time = Math.round(performance.now() - started) / 1000;
    const driver: CommandRunResult = timedOut
      ? { status: "TimeLimitExceeded", execution_time, return_code: null, stdout: "", stderr: "" }
      : { status: "Finished", execution_time, return_code: 0, stdout: "", stderr: "" };
    const files = await fetchFiles(ctx, args.fetch_files);
    return toolResult(RUN_JUPYTER_TOOL, { kind: "run_jupyter", driver, cells, files, finished: !timedOut });
  },
};

/** Jupyter messages of one cell as SandboxFusion's CellRunResult. */
function cellResult(outputs: Record<string, unknown>[]): CellRunResult {
  const cell: CellRunResult = { stdout: "", stderr: "", display: [], error: [] };
  for (const o of outputs) {
    if (o.type === "stream") {
      if (o.name === "stderr") cell.stderr += String(o.text ?? "");
      else cell.stdout += String(o.text ?? "");
    } else if (o.type === "display_data" || o.type === "execute_result") {
      cell.display.push((o.data as Record<string, unknown>) ?? {});
    } else if (o.type === "error") {
      cell.error.push({ ename: o.ename, evalue: o.evalue, traceback: o.traceback });
    }
  }
  return cell;
}

registerTool(runCodeTool);
registerTool(runJupyterTool);

// ---------------------------------------------------------------- request level

export interface RunCodeInput {
  language: string;
  code: string;
  stdin?: string;
  files: { path: string; data: Buffer }[];
  fetch_files: string[];
  compile_timeout: number;
  run_timeout: number;
  /** -1 = no limit of our own (the backend's cap applies). */
  memory_limit_MB: number;
}

export interface ServiceOutcome<T> {
  response: T;
  backend?: BackendName;
  queue_ms: number;
  run_ms: number;
  /** Set when the request never ran (queue timeout, no backend): the route answers with its HTTP status. */
  refused?: Result<never>;
}

/** Seconds SandboxFusion accepts (0 and below mean "no time"); we run at least 1 ms and at most an hour. */
const clampTimeout = (s: number) => Math.min(3600, Math.max(0.001, s));

function memoryMb(requested: number): number {
  return requested > 0 ? Math.min(MAX_MEMORY_MB, Math.max(1, Math.floor(requested))) : UNLIMITED_MEMORY_MB;
}

/** run_code's SandboxError body; the route answers with it too when a request fails before running. */
export function runCodeSandboxError(message: string): RunCodeResponse {
  return { status: "SandboxError", message, compile_result: null, run_result: null, executor_pod_name: null, files: {} };
}

/** run_jupyter's SandboxError body, shared with its route like runCodeSandboxError. */
export function runJupyterSandboxError(message: string): RunJupyterResponse {
  return { status: "SandboxError", message, driver: null, cells: [], executor_pod_name: null, files: {} };
}

function podName(t: Timed<unknown>): string {
  return `rollout-playground/${t.backend}`;
}

const runCodeConfig = {
  tools_config: { [RUN_CODE_TOOL]: {}, [RECYCLE_TOOL]: {} },
  limits: { timeout_s: 3600, cpu_time_s: 3600, memory_mb: UNLIMITED_MEMORY_MB, output_bytes: OUTPUT_BYTES },
};

/** One run_code request, start to end. Never throws. */
export async function runCode(input: RunCodeInput, opts?: { signal?: AbortSignal; backend?: BackendName }): Promise<ServiceOutcome<RunCodeResponse>> {
  const compile_timeout_s = clampTimeout(input.compile_timeout);
  const run_timeout_s = clampTimeout(input.run_timeout);
  // One config for every run_code request (so Docker containers can be wiped and reused); the
  // request's own limits travel in the tool arguments.
  const r = await withCleanSandbox(
    { backend: opts?.backend, signal: opts?.signal, config: runCodeConfig },
    (sb) =>
      sb.executeTool(
        RUN_CODE_TOOL,
        {
          language: input.language,
          code: input.code,
          stdin: input.stdin,
          files: input.files,
          fetch_files: input.fetch_files,
          compile_timeout_s,
          run_timeout_s,
          memory_mb: memoryMb(input.memory_limit_MB),
        } satisfies RunCodeArgs,
        { signal: opts?.signal },
      ),
  );
  if (!r.ok) return { response: runCodeSandboxError(r.error.message), queue_ms: 0, run_ms: 0, refused: r };
  const meta = (r.value.value.meta?.sandbox_fusion ?? null) as SandboxFusionMeta | null;
  const base = { backend: r.value.backend, queue_ms: r.value.queue_ms, run_ms: r.value.run_ms };
  if (!meta || meta.kind !== "run_code") {
    const message = meta?.kind === "sandbox_error" ? meta.message : (r.value.value.error ?? "The sandbox failed to run the request.");
    return { ...base, response: { ...runCodeSandboxError(message), executor_pod_name: podName(r.value) } };
  }
  const { status, message } = topStatus(meta.compile_result, meta.run_result);
  return {
    ...base,
    response: { status, message, compile_result: meta.compile_result, run_result: meta.run_result, executor_pod_name: podName(r.value), files: meta.files },
  };
}

export interface RunJupyterInput {
  cells: string[];
  cell_timeout: number;
  total_timeout: number;
  memory_limit_MB: number;
  files: { path: string; data: Buffer }[];
  fetch_files: string[];
}

/** One run_jupyter request in a fresh sandbox (so a fresh kernel). Never throws. */
export async function runJupyter(input: RunJupyterInput, opts?: { signal?: AbortSignal; backend?: BackendName }): Promise<ServiceOutcome<RunJupyterResponse>> {
  const total_timeout_s = clampTimeout(input.total_timeout);
  const r = await withFreshSandbox(
    {
      backend: opts?.backend,
      signal: opts?.signal,
      config: {
        tools_config: { [RUN_JUPYTER_TOOL]: {} },
        limits: { timeout_s: total_timeout_s, memory_mb: memoryMb(input.memory_limit_MB), output_bytes: OUTPUT_BYTES },
      },
    },
    (sb) =>
      sb.executeTool(
        RUN_JUPYTER_TOOL,
        { cells: input.cells, cell_timeout_s: Math.max(0, input.cell_timeout), total_timeout_s, files: input.files, fetch_files: input.fetch_files } satisfies RunJupyterArgs,
        { signal: opts?.signal },
      ),
  );
  if (!r.ok) return { response: runJupyterSandboxError(r.error.message), queue_ms: 0, run_ms: 0, refused: r };
  const meta = (r.value.value.meta?.sandbox_fusion ?? null) as SandboxFusionMeta | null;
  const base = { backend: r.value.backend, queue_ms: r.value.queue_ms, run_ms: r.value.run_ms };
  if (!meta || meta.kind !== "run_jupyter") {
    const message = meta?.kind === "sandbox_error" ? meta.message : (r.value.value.error ?? "The sandbox failed to run the notebook.");
    return { ...base, response: { ...runJupyterSandboxError(message), executor_pod_name: podName(r.value) } };
  }
  return {
    ...base,
    response: {
      status: meta.finished ? "Success" : "Failed",
      message: meta.finished ? "" : `The cells ran past total_timeout (${total_timeout_s} s) or cell_timeout.`,
      driver: meta.driver,
      cells: meta.cells,
      executor_pod_name: podName(r.value),
      files: meta.files,
    },
  };
}
