import "server-only";
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import type { RunOutcome, RunSpec } from "../types";
import type { DockerClient } from "./docker-client";
import { signalName } from "../proc";
import { prlimitFlags } from "./rlimits";


/** Collects a stream up to a cap, keeps draining past it, and remembers that it overflowed. */
function capped(cap: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  const sink = new PassThrough();
  sink.on("data", (c: Buffer) => {
    if (size >= cap) {
      truncated = true;
      return;
    }
    const take = c.subarray(0, cap - size);
    if (take.length < c.length) truncated = true;
    chunks.push(take);
    size += take.length;
  });
  return { sink, text: () => Buffer.concat(chunks).toString("utf8"), truncated: () => truncated };
}

/**
 * One run through plain `docker exec` (the fallback transport and the benchmark baseline).
 * GNU timeout puts the command in its own process group and kills the group when time is up;
 * prlimit applies the per-run limits. Stdout/stderr are demuxed, the stream is awaited to its end
 * and destroyed in `finally`, and the exit code comes from exec.inspect().
 */
export async function runViaExec(client: DockerClient, container: Docker.Container, spec: RunSpec): Promise<RunOutcome> {
  const started = performance.now();
  const l = spec.limits;
  const cwd = ["/sandbox", ...(spec.cwd ?? "").split("/").filter((s) => s && s !== ".")].join("/");
  const cmd = [
    "timeout", "-s", "KILL", `${l.timeout_s}s`,
    "prlimit", ...prlimitFlags(l),
    ...spec.argv,
  ];
  const exec = await client.execCreate(container, {
    Cmd: cmd,
    AttachStdin: spec.stdin !== undefined,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    WorkingDir: cwd,
    Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
  });
  const stream = await client.execStart(container, exec, spec.stdin !== undefined);
  const out = capped(l.output_bytes);
  const err = capped(l.output_bytes);
  let cancelled = false;
  const onAbort = () => {
    cancelled = true;
    stream.destroy();
  };
  spec.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    client.modem.demuxStream(stream, out.sink, err.sink);
    if (spec.stdin !== undefined) stream.end(spec.stdin);
    await new Promise<void>((resolve) => {
      stream.once("end", resolve);
      stream.once("close", resolve);
      stream.once("error", () => resolve());
    });
  } finally {
    spec.signal?.removeEventListener("abort", onAbort);
    stream.destroy();
  }
  const info = await client.execInspect(container, exec);
  const code = info.ExitCode ?? null;
  // timeout(1) -s KILL makes the command die by SIGKILL and itself exit 137.
  const timedOut = code === 137 && performance.now() - started >= l.timeout_s * 1000 - 50;
  return {
    stdout: out.text(),
    stderr: err.text(),
    exit_code: timedOut || code === null || code > 128 ? null : code,
    ...(code !== null && code > 128 && !timedOut ? { signal: signalName(code - 128) ?? `signal ${code - 128}` } : {}),
    timed_out: timedOut,
    cancelled,
    stdout_truncated: out.truncated(),
    stderr_truncated: err.truncated(),
    duration_ms: Math.round((performance.now() - started) * 10) / 10,
    isolated: true,
  };
}

