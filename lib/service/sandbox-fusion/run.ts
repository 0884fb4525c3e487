import "server-only";
import { ok, type Result } from "@/lib/result";
import { withCleanSandbox, withFreshSandbox, type Timed } from "@/lib/service/core/execute";
import { decodeFiles } from "@/lib/service/core/schema";
import type { BackendName } from "@/lib/sandbox/types";
import { OUTPUT_BYTES, runCode, runJupyter, topStatus } from "./runtime";
import {
  runCodeSandboxError,
  runJupyterSandboxError,
  type RunCodeRequest,
  type RunCodeResponse,
  type RunJupyterRequest,
  type RunJupyterResponse,
} from "./wire";

// One SandboxFusion request, start to end: normalize it, take a sandbox (a wiped, reused one for
// run_code on Docker; a fresh one, so a fresh kernel, for run_jupyter), run the job on its runtime,
// answer SandboxFusion's response. The error side is only a request that never ran (queue timeout,
// no backend, cancelled); the route answers a queue timeout 504 and the rest as SandboxError.

/** Memory when the request says -1 (no limit): the Docker container's own cap still applies. */
const UNLIMITED_MEMORY_MB = 4096;
const MAX_MEMORY_MB = 16384;

/**
 * How long a client waits for a request's answer: verl's sandbox client gives compile_timeout +
 * run_timeout + 10 s before it counts the request an API error. The queue serves the earliest of
 * these first, so a run_timeout 1 request is not answered after its caller gave up.
 */
const CLIENT_MARGIN_S = 10;
const answerBudgetMs = (...timeoutsS: number[]) => (timeoutsS.reduce((a, b) => a + b, 0) + CLIENT_MARGIN_S) * 1000;

/** Seconds SandboxFusion accepts (0 and below mean "no time"); we run at least 1 ms and at most an hour. */
const clampTimeout = (s: number) => Math.min(3600, Math.max(0.001, s));
const memoryMb = (requested: number) => (requested > 0 ? Math.min(MAX_MEMORY_MB, Math.max(1, Math.floor(requested))) : UNLIMITED_MEMORY_MB);
const podName = (backend: BackendName) => `rollout-playground/${backend}`;

interface RunOptions {
  signal?: AbortSignal;
  backend?: BackendName;
}

// One config for every run_code request (so Docker containers can be wiped and reused); a
// request's own limits go with its job.
const runCodeConfig = { tools_config: {}, limits: { timeout_s: 3600, cpu_time_s: 3600, memory_mb: UNLIMITED_MEMORY_MB, output_bytes: OUTPUT_BYTES } };

/** POST /run_code. Never throws for the program's or the sandbox's failures (those are the body). */
export async function runCodeRequest(req: RunCodeRequest, opts: RunOptions = {}): Promise<Result<Timed<RunCodeResponse>>> {
  const job = {
    language: req.language,
    code: req.code,
    ...(typeof req.stdin === "string" ? { stdin: req.stdin } : {}),
    files: decodeFiles(req.files),
    fetch_files: req.fetch_files,
    compile_timeout_s: clampTimeout(req.compile_timeout),
    run_timeout_s: clampTimeout(req.run_timeout),
    memory_mb: memoryMb(req.memory_limit_MB),
  };
  const budgetMs = answerBudgetMs(job.compile_timeout_s, job.run_timeout_s);
  const r = await withCleanSandbox({ ...opts, config: runCodeConfig, budgetMs }, (sb) => sb.useRuntime((runtime, config) => runCode({ runtime, config, signal: opts.signal }, job)));
  if (!r.ok) return r;
  const out = r.value.value;
  const executor_pod_name = podName(r.value.backend);
  const response: RunCodeResponse = out.ok
    ? { ...topStatus(out.value.compile_result, out.value.run_result), compile_result: out.value.compile_result, run_result: out.value.run_result, executor_pod_name, files: out.value.files }
    : { ...runCodeSandboxError(out.error.message), executor_pod_name };
  return ok({ ...r.value, value: response });
}

/** POST /run_jupyter, in a fresh sandbox (so a fresh kernel). */
export async function runJupyterRequest(req: RunJupyterRequest, opts: RunOptions = {}): Promise<Result<Timed<RunJupyterResponse>>> {
  const total_timeout_s = clampTimeout(req.total_timeout);
  const job = { cells: req.cells, cell_timeout_s: Math.max(0, req.cell_timeout), total_timeout_s, files: decodeFiles(req.files), fetch_files: req.fetch_files };
  const config = { tools_config: {}, limits: { timeout_s: total_timeout_s, memory_mb: memoryMb(req.memory_limit_MB), output_bytes: OUTPUT_BYTES } };
  const r = await withFreshSandbox({ ...opts, config, budgetMs: answerBudgetMs(total_timeout_s) }, (sb) => sb.useRuntime((runtime, cfg) => runJupyter({ runtime, config: cfg, signal: opts.signal }, job)));
  if (!r.ok) return r;
  const out = r.value.value;
  const executor_pod_name = podName(r.value.backend);
  const response: RunJupyterResponse = out.ok
    ? {
        status: out.value.finished ? "Success" : "Failed",
        message: out.value.finished ? "" : `The cells ran past total_timeout (${total_timeout_s} s) or cell_timeout.`,
        driver: out.value.driver,
        cells: out.value.cells,
        executor_pod_name,
        files: out.value.files,
      }
    : { ...runJupyterSandboxError(out.error.message), executor_pod_name };
  return ok({ ...r.value, value: response });
}
