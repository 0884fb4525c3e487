import type { RunOutcome, ToolResult } from "../types";

/** Turns a process outcome into the common ToolResult shape (python_executor, shell_executor, …). */
export function resultFromRun(tool_name: string, run: RunOutcome, timeoutS: number): ToolResult {
  const truncated = run.stdout_truncated || run.stderr_truncated;
  const base = {
    tool_name,
    duration_ms: run.duration_ms,
    stdout: run.stdout,
    stderr: run.stderr,
    isolated: run.isolated,
    ...(run.exit_code !== null ? { exit_code: run.exit_code } : {}),
    ...(truncated ? { truncated: true } : {}),
    ...(truncated && run.output_bytes ? { output_bytes: run.output_bytes } : {}),
    ...(run.notices?.length ? { notices: run.notices } : {}),
  };
  const output = joinStreams(run.stdout, run.stderr);
  if (run.failure) return { ...base, status: "error", output, error: run.failure };
  if (run.cancelled) return { ...base, status: "cancelled", output, error: "Run cancelled." };
  if (run.timed_out)
    return { ...base, status: "timeout", output, error: `Timed out after ${timeoutS} s; the process tree was killed.` };
  if (run.exit_code === 0) return { ...base, status: "success", output };
  const error = run.signal
    ? `Killed by ${run.signal}${signalHint(run.signal)}`
    : `Exited with code ${run.exit_code ?? "unknown"}`;
  return { ...base, status: "error", output, error };
}

/** stdout then stderr, on separate lines: a process tool's `output`. */
export function joinStreams(stdout: string, stderr: string): string {
  if (!stderr) return stdout;
  if (!stdout) return stderr;
  return stdout.endsWith("\n") ? stdout + stderr : `${stdout}\n${stderr}`;
}

function signalHint(signal: string): string {
  switch (signal) {
    case "SIGXCPU":
      return " (CPU time limit exceeded)";
    case "SIGXFSZ":
      return " (file size limit exceeded)";
    case "SIGKILL":
      return " (killed: limit exceeded or killed from inside)";
    case "SIGSEGV":
      return " (segmentation fault; possibly the memory limit)";
    default:
      return "";
  }
}

/** Effective timeout for a call: the argument may lower the sandbox limit, never raise it. */
export function effectiveTimeout(argTimeout: number | undefined, limitS: number): number {
  return argTimeout === undefined ? limitS : Math.min(argTimeout, limitS);
}
