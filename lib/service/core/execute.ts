import "server-only";
import { serverEnv } from "@/lib/env";
import { appError } from "@/lib/errors";
import { globalStore } from "@/lib/global-store";
import { err, ok, type Result } from "@/lib/result";
import { backendAvailability } from "@/lib/sandbox/registry";
import { acquireSandbox, parkSandbox, sandboxWarmth } from "@/lib/sandbox/sessions";
import type { BackendName, IsolationLevel, Sandbox, SandboxConfig, SandboxConfigInput, SandboxRuntime } from "@/lib/sandbox/types";
import { registerQueueDepth } from "@/lib/traffic/recorder";
import { BoundedQueue } from "./queue";

// The service API's one way to run work in a sandbox (SandboxFusion and ms-enclave routes): pick
// the backend (PLAYGROUND_API_BACKEND), wait for a slot in that backend's bounded queue, and run.
// Per-request work gets a fresh session (own working directory; on Docker, its own container from
// the warm pool) through the session manager, so shutdown closes anything still running.

type Queues = Map<BackendName, BoundedQueue>;
const queues = globalStore<Queues>("service-queues", () => new Map());

/** The queue of one backend (created on first use with the env limits). */
export function apiQueue(backend: BackendName): BoundedQueue {
  let q = queues.get(backend);
  if (!q) {
    const env = serverEnv();
    const max = backend === "docker" ? env.PLAYGROUND_API_CONCURRENCY_DOCKER : env.PLAYGROUND_API_CONCURRENCY_LOCAL;
    q = new BoundedQueue({ name: backend, max, timeoutMs: env.PLAYGROUND_API_QUEUE_TIMEOUT_S * 1000 });
    queues.set(backend, q);
    const queue = q;
    registerQueueDepth(`service:${backend}`, () => queue.waiting);
  }
  return q;
}

/** The backend service requests run on, per PLAYGROUND_API_BACKEND (auto: Docker when available). */
export async function resolveApiBackend(choice = serverEnv().PLAYGROUND_API_BACKEND): Promise<Result<BackendName>> {
  if (choice === "auto") {
    if ((await backendAvailability("docker")).available) return ok("docker");
    choice = "local";
  }
  const a = await backendAvailability(choice);
  if (!a.available) return err(appError("unavailable:sandbox", `The ${choice} sandbox backend is not available: ${a.reason ?? "unknown reason"}.`));
  return ok(choice);
}

/** The backend a request runs on: the one the caller names, else PLAYGROUND_API_BACKEND's choice. */
function requestBackend(asked: BackendName | undefined): Promise<Result<BackendName>> {
  return asked ? Promise.resolve(ok(asked)) : resolveApiBackend();
}

/** Languages the backend declares (image label on Docker, host binaries on local). */
export async function backendLanguages(backend: BackendName): Promise<string[]> {
  return (await backendAvailability(backend)).languages ?? [];
}

export interface Timed<T> {
  value: T;
  backend: BackendName;
  /** How the sandbox that ran it was contained (Traffic shows it); absent for work outside one. */
  isolation?: IsolationLevel;
  queue_ms: number;
  /** ms from getting a slot to the end (sandbox creation, the run, closing). */
  run_ms: number;
  /** ms it waited for a cold sandbox (no warm or parked one was ready); absent when one was. */
  cold_ms?: number;
}

/**
 * Runs `fn` in the backend's queue (for work in a long-lived session, e.g. an ms-enclave sandbox's
 * tool call). Fails with `timeout:queue` (504) when no slot frees up in time.
 */
export async function runQueued<T>(backend: BackendName, fn: () => Promise<T>, opts?: { signal?: AbortSignal; budgetMs?: number }): Promise<Result<Timed<T>>> {
  let run_ms = 0;
  const r = await apiQueue(backend).run(async () => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      run_ms = Math.round((performance.now() - t0) * 10) / 10;
    }
  }, opts);
  if (!r.ok) return r;
  return ok({ value: r.value.value, backend, queue_ms: r.value.queue_ms, run_ms });
}

/** A queued job that itself may fail, as one Result: the job's failure, or its value with the queue's timing (and the isolation it ran under, and any wait for a cold sandbox). */
function settled<T>(r: Result<Timed<Result<T>>>, isolation?: IsolationLevel, sb?: Sandbox): Result<Timed<T>> {
  if (!r.ok) return r;
  const { value: job, ...timing } = r.value;
  const w = sb ? sandboxWarmth(sb) : undefined;
  return job.ok ? ok({ ...timing, value: job.value, ...(isolation ? { isolation } : {}), ...(w?.cold ? { cold_ms: w.wait_ms } : {}) }) : job;
}

/** How many requests want a sandbox of this backend now (the warm pool refills to this). */
const demandOf = (backend: BackendName) => () => {
  const q = apiQueue(backend);
  return q.waiting + q.active;
};

/**
 * Runs `fn` in a sandbox from the backend's warm template pool (never used by any request, closed
 * after this one): on local, a fork of the warm template with namespaces, /tmp and uid of its own.
 * Backends without templates get a fresh sandbox made for the request (as withFreshSandbox).
 */
export async function withWarmSandbox<T>(
  opts: { backend?: BackendName; config?: SandboxConfigInput; signal?: AbortSignal; budgetMs?: number },
  fn: (sb: Sandbox) => Promise<T>,
): Promise<Result<Timed<T>>> {
  const chosen = await requestBackend(opts.backend);
  if (!chosen.ok) return chosen;
  const backend = chosen.value;
  let isolation: IsolationLevel | undefined;
  let held: Sandbox | undefined;
  const r = await runQueued(
    backend,
    async (): Promise<Result<T>> => {
      const got = await acquireSandbox(backend, opts.config, { label: "api", signal: opts.signal, warm: { demand: demandOf(backend) } });
      if (!got.ok) return got;
      await using sb = got.value;
      held = sb;
      isolation = sb.isolation;
      return ok(await fn(sb));
    },
    { signal: opts.signal, budgetMs: opts.budgetMs },
  );
  return settled(r, isolation, held);
}

/**
 * Runs `fn` in a fresh sandbox of its own (acquired from the session manager after a queue slot is
 * granted, closed after): no files, processes or kernel state from any other request. Errors
 * creating the sandbox come back as `unavailable:sandbox`.
 */
export async function withFreshSandbox<T>(
  opts: { backend?: BackendName; config?: SandboxConfigInput; signal?: AbortSignal; budgetMs?: number },
  fn: (sb: Sandbox) => Promise<T>,
): Promise<Result<Timed<T>>> {
  const chosen = await requestBackend(opts.backend);
  if (!chosen.ok) return chosen;
  const backend = chosen.value;
  let isolation: IsolationLevel | undefined;
  const r = await runQueued(
    backend,
    async (): Promise<Result<T>> => {
      const held = await acquireSandbox(backend, opts.config, { label: "api", signal: opts.signal });
      if (!held.ok) return held;
      await using sb = held.value;
      isolation = sb.isolation;
      return ok(await fn(sb));
    },
    { signal: opts.signal, budgetMs: opts.budgetMs },
  );
  return settled(r, isolation);
}

// ---------------------------------------------------------------- recycled Docker sandboxes

// A new container per request costs a container start (0.5-3 s on a busy host). For run_code on
// Docker a used container is instead wiped and reused: the agent has already killed every process
// the request left (it sweeps after each run), and the root filesystem is read-only, so the only
// state is in the writable mounts and the IPC namespace. The wipe empties them and then checks that
// they are empty; a container that fails the check (or errs) is closed, never reused.

const WRITABLE = "/sandbox /tmp /mnt /dev/shm /dev/mqueue";
const WIPE = [
  `chmod -R u+rwX ${WRITABLE} 2>/dev/null`,
  `find ${WRITABLE} -mindepth 1 -delete 2>/dev/null`,
  "ipcrm --all 2>/dev/null",
  `left="$(for d in ${WRITABLE}; do ls -A "$d" 2>/dev/null | sed "s|^|$d/|"; done)$(ipcs -m -q -s 2>/dev/null | grep '^0x')"`,
  '[ -z "$left" ] || { echo "$left" >&2; exit 1; }',
].join("; ");

/**
 * Empties a used Docker sandbox for the next request and checks it is empty: natively in the
 * agent (its reset op) where the image has it, else with a shell.
 */
export async function wipe(runtime: SandboxRuntime, config: SandboxConfig): Promise<Result<void>> {
  const native = await runtime.reset?.();
  if (native?.ok) return native.value ? ok(undefined) : err(appError("internal:sandbox", "the sandbox was not clean after its reset"));
  const run = await runtime.run({ argv: ["sh", "-c", WIPE], limits: { ...config.limits, timeout_s: 30, cpu_time_s: 30 } });
  if (!run.failure && !run.timed_out && run.exit_code === 0) return ok(undefined);
  return err(appError("internal:sandbox", run.failure ?? run.stderr.slice(0, 500)));
}

/** A parked container unused for this long is closed by the session manager (its session TTL is longer). */
const REUSE_IDLE_MS = 120_000;
const REUSE_KEY = "service:clean";

/**
 * Like withFreshSandbox, but on Docker (unless PLAYGROUND_API_DOCKER_RECYCLE=0) the container is
 * wiped after the request and reused by a later one. The config must be the same for every request
 * (per-request limits travel with the job).
 */
export async function withCleanSandbox<T>(
  opts: { backend?: BackendName; config: SandboxConfigInput; signal?: AbortSignal; budgetMs?: number },
  fn: (sb: Sandbox) => Promise<T>,
): Promise<Result<Timed<T>>> {
  const chosen = await requestBackend(opts.backend);
  if (!chosen.ok) return chosen;
  const backend = chosen.value;
  if (backend !== "docker" || !serverEnv().PLAYGROUND_API_DOCKER_RECYCLE) {
    return serverEnv().PLAYGROUND_WARM_TEMPLATES ? withWarmSandbox({ ...opts, backend }, fn) : withFreshSandbox({ ...opts, backend }, fn);
  }
  let isolation: IsolationLevel | undefined;
  let reused: Sandbox | undefined;
  const r = await runQueued(
    backend,
    async (): Promise<Result<T>> => {
      // The session manager keeps the wiped containers (parked under REUSE_KEY + this config) and
      // hands the most recently used one back; it closes those unused for REUSE_IDLE_MS.
      const held = await acquireSandbox(backend, opts.config, { label: "api", signal: opts.signal, reuse: REUSE_KEY });
      if (!held.ok) return held;
      const sb = held.value;
      isolation = sb.isolation;
      reused = sb;
      let value: T;
      try {
        value = await fn(sb);
      } catch (e) {
        await sb.close();
        throw e;
      }
      const wiped = await sb.useRuntime(wipe).catch((e: unknown) => err(appError("internal:sandbox", String(e))));
      if (wiped.ok) await parkSandbox(sb, { idleTtlMs: REUSE_IDLE_MS });
      else {
        console.warn(`[service] sandbox ${sb.id} could not be wiped (${wiped.error.message}); closing it`);
        await sb.close();
      }
      return ok(value);
    },
    { signal: opts.signal, budgetMs: opts.budgetMs },
  );
  return settled(r, isolation, reused);
}
