import "server-only";
import { z } from "zod";
import { appError } from "@/lib/errors";
import { err, ok, type Result } from "@/lib/result";
import { signalNumber } from "@/lib/sandbox/proc";
import { compileCached } from "@/lib/sandbox/tools/compile-cache";
import { supportedLanguages } from "@/lib/sandbox/tools/multi-code-executor";
import { resolveLanguage } from "@/lib/sandbox/tools/multi-code-languages";
import type { Limits, RunOutcome, SandboxConfig, SandboxRuntime } from "@/lib/sandbox/types";
import { toSandboxFusionName, type CellRunResult, type CommandRunResult, type RunStatus } from "./wire";

// SandboxFusion's semantics (sandbox/runners/*) as plain typed functions on a held sandbox's
// runtime (Sandbox.useRuntime): write the files, an optional compile step, one run with stdin,
// then the fetched files. No tool registry and no untyped result in between; a failure of the
// sandbox (not of the program) is an error value, answered as SandboxError by the caller.

/** Per fetched file and for all of them together. */
const FETCH_FILE_MAX_BYTES = 16 * 1024 * 1024;
const FETCH_TOTAL_MAX_BYTES = 64 * 1024 * 1024;
/** Output per stream, as SandboxFusion has no cap but a JSON response must stay bounded. */
export const OUTPUT_BYTES = 4 * 1024 * 1024;

/** A file the request sends, decoded. */
export interface InputFile {
  path: string;
  data: Buffer;
}

/** One run_code job, normalized (timeouts clamped, memory resolved, files decoded). */
export interface RunCodeJob {
  language: string;
  code: string;
  stdin?: string;
  files: InputFile[];
  fetch_files: string[];
  compile_timeout_s: number;
  run_timeout_s: number;
  memory_mb: number;
}

export interface RunCodeOutput {
  compile_result: CommandRunResult | null;
  run_result: CommandRunResult | null;
  files: Record<string, string>;
}

/** One run_jupyter job, normalized. */
export interface RunJupyterJob {
  cells: string[];
  /** 0 = only total_timeout_s applies. */
  cell_timeout_s: number;
  total_timeout_s: number;
  files: InputFile[];
  fetch_files: string[];
}

export interface RunJupyterOutput {
  driver: CommandRunResult;
  cells: CellRunResult[];
  files: Record<string, string>;
  /** False when the cells ran past total_timeout or a cell_timeout. */
  finished: boolean;
}

/** Where a job runs: the held sandbox's runtime and config (what Sandbox.useRuntime hands over). */
export interface Held {
  runtime: SandboxRuntime;
  config: SandboxConfig;
  signal?: AbortSignal;
}

const sandboxFailure = (message: string) => err(appError("internal:sandbox", message));
const why = (e: unknown) => (e instanceof Error ? e.message : String(e));

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

async function writeFiles(runtime: SandboxRuntime, files: InputFile[]): Promise<void> {
  for (const f of files) await runtime.fs.write(f.path, f.data);
}

/** Existing regular files among `paths`, base64; missing ones and ones outside the sandbox are left out (as SandboxFusion does). */
async function fetchFiles(runtime: SandboxRuntime, paths: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let total = 0;
  for (const p of paths) {
    try {
      if (!(await runtime.fs.exists(p))) continue;
      const data = await runtime.fs.read(p, { max_bytes: Math.min(FETCH_FILE_MAX_BYTES, FETCH_TOTAL_MAX_BYTES - total) + 1 });
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

function limitsFor(config: SandboxConfig, timeoutS: number, memoryMb: number): Limits {
  return { ...config.limits, timeout_s: timeoutS, cpu_time_s: Math.max(1, Math.ceil(timeoutS) + 1), memory_mb: memoryMb, output_bytes: OUTPUT_BYTES };
}

/** One run_code job in the held sandbox. A failure is the sandbox's (SandboxError), never the program's. */
export async function runCode({ runtime, config, signal }: Held, job: RunCodeJob): Promise<Result<RunCodeOutput>> {
  const supported = await supportedLanguages({ runtime });
  const spec = resolveLanguage(job.language, supported);
  if (!spec) {
    return sandboxFailure(
      `Language "${job.language}" is not supported by this sandbox (${runtime.backend} backend). Supported: ${supported.map(toSandboxFusionName).join(", ") || "(none)"}.`,
    );
  }
  try {
    await writeFiles(runtime, job.files);
    await runtime.fs.write(spec.file, Buffer.from(job.code, "utf8"));
  } catch (e) {
    return sandboxFailure(`Could not write the request's files: ${why(e)}`);
  }
  const env = config.env;
  let compile_result: CommandRunResult | null = null;
  let run_result: CommandRunResult | null = null;
  if (spec.compile) {
    // The sandbox is fresh or wiped: it holds exactly these files, so they are the compile's inputs.
    const inputs = new Map(job.files.map((f) => [f.path, f.data]));
    inputs.set(spec.file, Buffer.from(job.code, "utf8"));
    const { run } = await compileCached(
      runtime,
      { argv: spec.compile, env, limits: limitsFor(config, job.compile_timeout_s, job.memory_mb), signal },
      { files: [...inputs].map(([path, data]) => ({ path, data })) },
    );
    compile_result = commandResult(run);
  }
  if (!compile_result || (compile_result.status === "Finished" && compile_result.return_code === 0)) {
    const run = await runtime.run({
      argv: spec.run,
      env,
      warm: true,
      // Fed exactly as given: no newline is added; absent stdin reads as empty.
      ...(job.stdin !== undefined ? { stdin: job.stdin } : {}),
      limits: limitsFor(config, job.run_timeout_s, job.memory_mb),
      signal,
    });
    run_result = commandResult(run);
  }
  return ok({ compile_result, run_result, files: await fetchFiles(runtime, job.fetch_files) });
}

const notebookExecuteSchema = z.object({
  ok: z.literal(true),
  status: z.enum(["ok", "error", "timeout"]),
  outputs: z.array(z.record(z.string(), z.unknown())),
});

/** One run_jupyter job in the held sandbox's kernel. */
export async function runJupyter({ runtime }: Held, job: RunJupyterJob): Promise<Result<RunJupyterOutput>> {
  if (!runtime.notebook) return sandboxFailure(`The ${runtime.backend} backend has no Jupyter kernel.`);
  const channel = await runtime.notebook();
  if (!channel.ok) return sandboxFailure(channel.error.message);
  const nb = channel.value;
  try {
    await writeFiles(runtime, job.files);
  } catch (e) {
    return sandboxFailure(`Could not write the request's files: ${why(e)}`);
  }
  try {
    // Kernel start-up is not charged to total_timeout (SandboxFusion's driver starts it first too).
    await nb.request({ op: "start" }, { timeoutMs: 90_000 });
  } catch (e) {
    return sandboxFailure(`The Jupyter kernel did not start: ${why(e)}`);
  }
  const started = performance.now();
  const cells: CellRunResult[] = [];
  let timedOut = false;
  for (const code of job.cells) {
    const left = job.total_timeout_s - (performance.now() - started) / 1000;
    if (left <= 0) {
      timedOut = true;
      break;
    }
    const timeout = job.cell_timeout_s > 0 ? Math.min(job.cell_timeout_s, left) : left;
    let raw: Record<string, unknown>;
    try {
      raw = await nb.request({ op: "execute", code, timeout_s: timeout }, { timeoutMs: timeout * 1000 + 30_000 });
    } catch (e) {
      return sandboxFailure(`The Jupyter kernel failed: ${why(e)}`);
    }
    const res = notebookExecuteSchema.safeParse(raw);
    if (!res.success) return sandboxFailure("The notebook driver answered in an unexpected shape.");
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
  return ok({ driver, cells, files: await fetchFiles(runtime, job.fetch_files), finished: !timedOut });
}

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
