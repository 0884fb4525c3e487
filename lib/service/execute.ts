import "server-only";
import { randomUUID } from "node:crypto";
import { serverEnv } from "@/lib/env";
import { appError } from "@/lib/errors";
import { globalStore } from "@/lib/global-store";
import { err, ok, type Result } from "@/lib/result";
import { getBackend } from "@/lib/sandbox/registry";
import { closeSession, getSession } from "@/lib/sandbox/sessions";
import type { BackendName, Sandbox, SandboxConfigInput } from "@/lib/sandbox/types";
import { registerQueueDepth } from "@/lib/traffic/recorder";
import { BoundedQueue, type QueueStats } from "./queue";

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

export function apiQueueStats(): QueueStats[] {
  return [...queues.values()].map((q) => q.stats());
}

interface AvailabilityCache {
  at: number;
  available: boolean;
  reason?: string;
  languages?: string[];
}
const availability = globalStore<Map<BackendName, AvailabilityCache>>("service-availability", () => new Map());
const AVAILABILITY_TTL_MS = 10_000;

async function backendAvailable(name: BackendName): Promise<AvailabilityCache> {
  const cached = availability.get(name);
  if (cached && Date.now() - cached.at < AVAILABILITY_TTL_MS) return cached;
  const b = getBackend(name);
  let entry: AvailabilityCache;
  if (!b) entry = { at: Date.now(), available: false, reason: `The ${name} backend is not part of this build.` };
  else {
    try {
      const a = await b.availability();
      entry = { at: Date.now(), available: a.available, reason: a.reason, languages: a.languages };
    } catch (e) {
      entry = { at: Date.now(), available: false, reason: e instanceof Error ? e.message : String(e) };
    }
  }
  availability.set(name, entry);
  return entry;
}

/** The backend service requests run on, per PLAYGROUND_API_BACKEND (auto: Docker when available). */
export async function resolveApiBackend(choice = serverEnv().PLAYGROUND_API_BACKEND): Promise<Result<BackendName>> {
  if (choice === "auto") {
    if ((await backendAvailable("docker")).available) return ok("docker");
    choice = "local";
  }
  const a = await backendAvailable(choice);
  if (!a.available) return err(appError("unavailable:sandbox", `The ${choice} sandbox backend is not available: ${a.reason ?? "unknown reason"}.`));
  return ok(choice);
}

/** Languages the backend declares (image label on Docker, host binaries on local). */
export async function backendLanguages(backend: BackendName): Promise<string[]> {
  return (await backendAvailable(backend)).languages ?? [];
}

export interface Timed<T> {
  value: T;
  backend: BackendName;
  queue_ms: number;
  /** ms from getting a slot to the end (sandbox creation, the run, closing). */
  run_ms: number;
}

/**
 * Runs `fn` in the backend's queue (for work in a long-lived session, e.g. an ms-enclave sandbox's
 * tool call). Fails with `timeout:queue` (504) when no slot frees up in time.
 */
export async function runQueued<T>(backend: BackendName, fn: () => Promise<T>, opts?: { signal?: AbortSignal }): Promise<Result<Timed<T>>> {
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

/**
 * Runs `fn` in a fresh sandbox of its own (created after a queue slot is granted, closed after):
 * no files, processes or kernel state from any other request. Errors creating the sandbox come
 * back as `unavailable:sandbox`.
 */
export async function withFreshSandbox<T>(
  opts: { backend?: BackendName; config?: SandboxConfigInput; signal?: AbortSignal },
  fn: (sb: Sandbox) => Promise<T>,
): Promise<Result<Timed<T>>> {
  let backend: BackendName;
  if (opts.backend) backend = opts.backend;
  else {
    const b = await resolveApiBackend();
    if (!b.ok) return b;
    backend = b.value;
  }
  const r = await runQueued(
    backend,
    async (): Promise<Result<T>> => {
      const id = `api-${randomUUID()}`;
      let sb: Sandbox;
      try {
        sb = await getSession(id, backend, opts.config);
      } catch (e) {
        await closeSession(id, backend);
        return err(appError("unavailable:sandbox", `Could not open a ${backend} sandbox: ${e instanceof Error ? e.message : String(e)}`));
      }
      try {
        return ok(await fn(sb));
      } finally {
        await closeSession(id, backend);
      }
    },
    { signal: opts.signal },
  );
  if (!r.ok) return r;
  if (!r.value.value.ok) return r.value.value;
  return ok({ ...r.value, value: r.value.value.value });
}

/** Tests: forget queues and cached availability so changed env limits apply. */
export function resetServiceForTests(): void {
  queues.clear();
  availability.clear();
}
