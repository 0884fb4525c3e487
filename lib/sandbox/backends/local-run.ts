import "server-only";
import { spawn, type SpawnOptions } from "node:child_process";
import type { OutputTap, RunOutcome } from "../types";
import { emptyOutcome } from "../run-outcome";
import { signalName } from "../proc";

export interface LaunchSpec {
  file: string;
  args: string[];
  options: SpawnOptions;
  stdin?: string;
  timeoutMs: number;
  /** Per-stream cap, bytes. */
  outputBytes: number;
  onOutput?: OutputTap;
  signal?: AbortSignal;
  isolated: boolean;
  notices?: string[];
  /** Kills whatever the run left behind that the process group kill cannot reach (no-bwrap mode). */
  reapExtra?: () => void;
}

/** Beyond this much output per stream we stop draining and kill the run (the server must not buffer it). */
export function drainLimit(cap: number): number {
  return Math.max(cap * 8, 8 * 1024 * 1024);
}

/** One output stream of a run: keeps the first `cap` bytes, counts the rest. */
export class Capture {
  chunks: Buffer[] = [];
  kept = 0;
  total = 0;
  constructor(
    private cap: number,
    private tap?: (b: Buffer) => void,
  ) {}
  push(b: Buffer) {
    this.tap?.(b);
    this.total += b.length;
    if (this.kept < this.cap) {
      const take = b.length <= this.cap - this.kept ? b : b.subarray(0, this.cap - this.kept);
      this.chunks.push(take);
      this.kept += take.length;
    }
  }
  get truncated() {
    return this.total > this.cap;
  }
  text() {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

/** Spawns a process in its own process group, applies timeout / cancel / output caps, never throws. */
export function runProcess(spec: LaunchSpec): Promise<RunOutcome> {
  const started = performance.now();
  return new Promise<RunOutcome>((resolve) => {
    const out = new Capture(spec.outputBytes, spec.onOutput && ((b) => spec.onOutput!("stdout", b)));
    const err = new Capture(spec.outputBytes, spec.onOutput && ((b) => spec.onOutput!("stderr", b)));
    let timedOut = false;
    let cancelled = false;
    let flooded = false;
    let spawnError: string | undefined;
    let settled = false;
    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;

    if (spec.signal?.aborted) {
      resolve(blank(spec, started, { cancelled: true }));
      return;
    }

    const child = spawn(spec.file, spec.args, { ...spec.options, detached: true, stdio: [spec.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"] });

    const killTree = () => {
      if (child.pid !== undefined) {
        try {
          // The group holds bwrap (whose pid-namespace init dies with it, taking every descendant).
          process.kill(-child.pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      }
      spec.reapExtra?.();
    };

    const limit = drainLimit(spec.outputBytes);
    const onData = (cap: Capture) => (b: Buffer) => {
      cap.push(b);
      if (cap.total > limit && !flooded) {
        flooded = true;
        killTree();
      }
    };
    child.stdout!.on("data", onData(out));
    child.stderr!.on("data", onData(err));
    if (spec.stdin !== undefined) {
      child.stdin!.on("error", () => {});
      child.stdin!.end(spec.stdin);
    }

    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, spec.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      killTree();
    };
    spec.signal?.addEventListener("abort", onAbort, { once: true });

    child.on("error", (e) => {
      spawnError = `Could not start ${spec.file}: ${e.message}`;
      finish();
    });
    child.on("exit", (code, sig) => {
      exitCode = code;
      exitSignal = sig;
      // Leftovers (only possible without a pid namespace) would keep the pipes open forever.
      spec.reapExtra?.();
    });
    child.on("close", () => finish());

    function finish() {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      spec.signal?.removeEventListener("abort", onAbort);
      // bwrap reports a child killed by signal N as exit status 128+N; treat that as the signal.
      let code = exitCode;
      let signal: string | undefined = exitSignal ?? undefined;
      if (code !== null && code > 128 && code <= 128 + 64 && spec.isolated) {
        const name = signalName(code - 128);
        if (name) {
          signal = name;
          code = null;
        }
      }
      resolve(
        capturedOutcome({
          out, err, outputBytes: spec.outputBytes, exitCode: code, signal, timedOut, cancelled, flooded,
          failure: spawnError, notices: [...(spec.notices ?? [])], started, isolated: spec.isolated,
        }),
      );
    }
  });
}

/** A finished run as a RunOutcome, from its captured streams; a flooded run says so. */
export function capturedOutcome(o: {
  out: Capture;
  err: Capture;
  outputBytes: number;
  exitCode: number | null;
  signal: string | undefined;
  timedOut: boolean;
  cancelled: boolean;
  flooded: boolean;
  failure: string | undefined;
  notices: string[];
  started: number;
  isolated: boolean;
}): RunOutcome {
  const { out, err } = o;
  let failure = o.failure;
  const notices = o.notices;
  if (o.flooded) {
    const limit = drainLimit(o.outputBytes);
    notices.push(`Output exceeded ${limit} bytes on one stream; the run was killed.`);
    failure ??= `Output limit exceeded: more than ${limit} bytes were written, so the process was killed (kept the first ${o.outputBytes} bytes).`;
  }
  return {
    stdout: out.text(),
    stderr: err.text(),
    exit_code: o.exitCode,
    ...(o.signal ? { signal: o.signal } : {}),
    timed_out: o.timedOut && !o.cancelled,
    cancelled: o.cancelled,
    stdout_truncated: out.truncated,
    stderr_truncated: err.truncated,
    ...(out.truncated || err.truncated ? { output_bytes: { limit: o.outputBytes, stdout: out.total, stderr: err.total } } : {}),
    duration_ms: Math.round((performance.now() - o.started) * 10) / 10,
    isolated: o.isolated,
    ...(failure ? { failure } : {}),
    ...(notices.length ? { notices } : {}),
  };
}

function blank(spec: LaunchSpec, started: number, extra: Partial<RunOutcome>): RunOutcome {
  return emptyOutcome({ started, isolated: spec.isolated, notices: spec.notices, extra });
}
