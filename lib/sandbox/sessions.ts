import "server-only";
import { randomUUID } from "node:crypto";
import { AppError, appError } from "@/lib/errors";
import { globalStore } from "@/lib/global-store";
import { serverEnv } from "@/lib/env";
import { err, ok, type Result } from "@/lib/result";
import { backendAvailability, createdBackends, getBackend } from "./registry";
import type { BackendName, ExecuteOptions, IsolationLevel, OutputTap, Sandbox, SandboxConfigInput, SandboxSessionId, ToolResult } from "./types";

// The session manager: the one way the app gets a sandbox, and the one owner of its life. Editor
// and Chat use keyed sessions (getSession / runTool: one Sandbox per (backend, session id), closed
// after PLAYGROUND_SESSION_TTL_S idle); batch jobs, the CLI and the service APIs hold one
// (acquireSandbox / withSandbox), optionally with an idle TTL, a deadline (a lifetime that can be
// extended), or parked for reuse by the next request with the same config (parkSandbox). The idle
// sweep and the deadlines close sessions here, and only here (backends only reap orphans); shutdown
// closes them all. Cancellation is an AbortSignal; a run may also carry a runId so the Editor's
// cancel endpoint (a route, because server actions queue behind each other) can find it.

interface Entry {
  sandbox: Promise<Sandbox>;
  /** The sandbox once created (the session list shows its isolation level). */
  ready?: Sandbox;
  lastUsed: number;
  running: number;
  /** Acquired by a caller that closes it (batch job, CLI, ms-enclave): no idle TTL unless it set one. */
  held: boolean;
  /** Idle time after which the sweep closes it; undefined = PLAYGROUND_SESSION_TTL_S (keyed sessions), null = never. */
  idleTtlMs?: number | null;
  /** When it is closed, busy or not (a sandbox with a lifetime); extendable with setSandboxDeadline. */
  deadline?: { at: number; timer: NodeJS.Timeout };
  /** Parked for reuse (no holder): the reuse key it waits under (reuse key + config). */
  parked?: string;
  /** The reuse key it was acquired with, so parkSandbox can park it again. */
  reuseKey?: string;
  /** Waiting in a warm pool (never used; nobody's session yet): the pool's slot. */
  warming?: string;
}

interface WarmPool {
  /** Session keys of ready, never-used sandboxes, oldest first. */
  ready: string[];
  /** Creations under way. */
  filling: number;
}

interface State {
  sessions: Map<string, Entry>;
  warm?: Map<string, WarmPool>;
  runs: Map<string, AbortController>;
  sweeper?: NodeJS.Timeout;
  exitHookInstalled?: boolean;
}
const state = globalStore<State>("sandbox-sessions", () => ({ sessions: new Map(), runs: new Map() }));

const key = (backend: BackendName, id: SandboxSessionId) => `${backend}:${id}`;

function openEntry(sessionId: SandboxSessionId, backend: BackendName, config: SandboxConfigInput | undefined, held: boolean, template = false): Entry {
  installHooks();
  const k = key(backend, sessionId);
  const existing = state.sessions.get(k);
  if (existing) {
    existing.lastUsed = Date.now();
    return existing;
  }
  const b = getBackend(backend);
  if (!b) throw new AppError("unavailable:sandbox", `The ${backend} backend is not available in this build.`);
  const entry: Entry = { sandbox: b.create(config, { sessionId, ...(template ? { template } : {}) }), lastUsed: Date.now(), running: 0, held };
  state.sessions.set(k, entry);
  // A failed create must not stay cached.
  entry.sandbox.then(
    (sb) => (entry.ready = sb),
    () => {
      if (state.sessions.get(k) === entry) state.sessions.delete(k);
    },
  );
  return entry;
}

/** Get-or-create. A config only applies when the session is created. Throws if the backend is unavailable. */
export async function getSession(sessionId: SandboxSessionId, backend: BackendName, config?: SandboxConfigInput): Promise<Sandbox> {
  return openEntry(sessionId, backend, config, false).sandbox;
}

/** The session's sandbox if it is open and ready, without opening one (a read-only view looks, never starts). */
export function liveSandbox(sessionId: SandboxSessionId, backend: BackendName): Sandbox | undefined {
  const e = state.sessions.get(key(backend, sessionId));
  return e && e.parked === undefined && e.warming === undefined ? e.ready : undefined;
}

/** Counts a call as running (the idle sweep skips busy sessions) for its duration. */
async function tracked<T>(entry: Entry | undefined, fn: () => Promise<T>): Promise<T> {
  if (entry) entry.running++;
  try {
    return await fn();
  } finally {
    if (entry) {
      entry.running--;
      entry.lastUsed = Date.now();
    }
  }
}

export interface RunToolInput {
  sessionId: SandboxSessionId;
  backend: BackendName;
  tool: string;
  args: unknown;
  /** Aborting it cancels the run (the result comes back with status "cancelled"). */
  signal?: AbortSignal;
  /** Lets cancelRun() find this run (the Editor's cancel endpoint). */
  runId?: string;
  /** Used only if this call creates the session. */
  config?: SandboxConfigInput;
  /** Sees the run's output as it is written (backends that stream: local). */
  onOutput?: OutputTap;
}

/** Runs one tool call in a session. Never throws. */
export async function runTool(input: RunToolInput): Promise<ToolResult> {
  const started = performance.now();
  let entry: Entry;
  let sandbox: Sandbox;
  try {
    entry = openEntry(input.sessionId, input.backend, input.config, false);
    sandbox = await entry.sandbox;
  } catch (e) {
    return {
      tool_name: input.tool,
      status: "error",
      output: "",
      error: `Could not open a ${input.backend} sandbox: ${e instanceof Error ? e.message : String(e)}`,
      duration_ms: Math.round(performance.now() - started),
    };
  }
  const ctl = new AbortController();
  const onAbort = () => ctl.abort();
  if (input.signal?.aborted) ctl.abort();
  input.signal?.addEventListener("abort", onAbort, { once: true });
  if (input.runId) {
    state.runs.get(input.runId)?.abort();
    state.runs.set(input.runId, ctl);
  }
  try {
    return await tracked(entry, () => sandbox.executeTool(input.tool, input.args, { signal: ctl.signal, ...(input.onOutput ? { onOutput: input.onOutput } : {}) }));
  } finally {
    input.signal?.removeEventListener("abort", onAbort);
    if (input.runId && state.runs.get(input.runId) === ctl) state.runs.delete(input.runId);
  }
}

/** Cancels a run in flight by its runId. Returns false when no such run is running. */
export function cancelRun(runId: string): boolean {
  const ctl = state.runs.get(runId);
  if (!ctl) return false;
  ctl.abort();
  state.runs.delete(runId);
  return true;
}

export interface AcquireOptions {
  /** A readable prefix for the generated session id (`reexec`, `cli-exec`). */
  label?: string;
  /** Aborted before the sandbox is ready: it is closed again and the result is a `bad_request:cancelled` failure. */
  signal?: AbortSignal;
  /** Close it after this long idle (nothing running), like a keyed session; default: never (the holder closes it). */
  idleTtlMs?: number;
  /** Close it this many ms from now, busy or not; setSandboxDeadline moves it (E2B's sandbox timeout). */
  lifetimeMs?: number;
  /**
   * Take a sandbox parked under this key with the same backend and config (most recently used
   * first) instead of creating one. The holder parks it again with parkSandbox once it is clean.
   */
  reuse?: string;
  /**
   * Take a sandbox that has never run anything from the warm pool of (backend, config), built
   * from the backend's warm template (local: a fork with namespaces of its own); the holder
   * closes it after its one request. The pool refills in the background to `demand()` (how many
   * requests are waiting or running), between WARM_MIN and WARM_MAX. A request that found the
   * pool empty waits for a sandbox made for it: sandboxWarmth() says so.
   */
  warm?: { demand: () => number };
}

/** What a request waited for its sandbox: cold = none was ready, one was made while it waited. */
export interface SandboxWarmth {
  cold: boolean;
  wait_ms: number;
}
const warmth = new WeakMap<Sandbox, SandboxWarmth>();

/** How the holder got this sandbox (acquired with `warm` or `reuse`); undefined for other sandboxes. */
export function sandboxWarmth(sandbox: Sandbox): SandboxWarmth | undefined {
  return warmth.get(sandbox);
}

const WARM_MIN = 2;
const WARM_MAX = 64;

const reuseSlot = (reuse: string, backend: BackendName, config: SandboxConfigInput | undefined) => `${reuse}\0${backend}\0${JSON.stringify(config ?? {})}`;

/** Idle TTL of an entry right now (the session TTL is read per sweep, so an env change applies). */
function idleTtl(e: Entry): number | null {
  if (e.idleTtlMs !== undefined) return e.idleTtlMs;
  return e.held ? null : serverEnv().PLAYGROUND_SESSION_TTL_S * 1000;
}

/** A parked sandbox for this slot, most recently used first; ones idle past their TTL are closed. */
function takeParked(slot: string, now = Date.now()): [string, Entry] | undefined {
  let best: [string, Entry] | undefined;
  for (const [k, e] of state.sessions) {
    if (e.parked !== slot || e.running > 0) continue;
    const ttl = idleTtl(e);
    if (ttl !== null && now - e.lastUsed > ttl) {
      void closeEntry(k);
      continue;
    }
    if (!best || e.lastUsed > best[1].lastUsed) best = [k, e];
  }
  return best;
}

/**
 * A sandbox session held by the caller until it calls close() (or `await using`), or parks it for
 * reuse (parkSandbox). The session manager owns it meanwhile: shutdown closes it, and so do its
 * idle TTL and deadline when the caller set them. Failure is a value: `unavailable:sandbox` when
 * the backend is missing, unavailable, or cannot create a session.
 */
export async function acquireSandbox(backend: BackendName, config?: SandboxConfigInput, opts: AcquireOptions = {}): Promise<Result<Sandbox>> {
  const b = getBackend(backend);
  if (!b) return err(appError("unavailable:sandbox", `The ${backend} sandbox backend is not available in this build.`));
  const avail = await backendAvailability(backend);
  if (!avail.available) return err(appError("unavailable:sandbox", `The ${backend} sandbox cannot run code: ${avail.reason ?? "unavailable"}.`));
  const slot = opts.reuse !== undefined ? reuseSlot(opts.reuse, backend, config) : undefined;
  const parked = slot ? takeParked(slot) : undefined;
  const started = performance.now();
  let cold = false;
  let sessionId: string;
  let entry: Entry;
  let inner: Sandbox;
  if (opts.warm) {
    const wslot = reuseSlot("warm", backend, config);
    const taken = await takeWarm(wslot);
    refillWarm(wslot, backend, config, opts.warm.demand);
    if (taken) [sessionId, entry, inner] = taken;
    else {
      cold = true;
      sessionId = `${opts.label ?? "held"}-${randomUUID()}`.slice(0, 64);
      try {
        entry = openEntry(sessionId, backend, config, true, true);
        inner = await entry.sandbox;
      } catch (e) {
        return err(appError("unavailable:sandbox", `Could not open a ${backend} sandbox: ${e instanceof Error ? e.message : String(e)}`));
      }
    }
  } else if (parked) {
    [, entry] = parked;
    sessionId = parked[0].slice(parked[0].indexOf(":") + 1);
    entry.parked = undefined;
    entry.held = true;
    entry.lastUsed = Date.now();
    inner = await entry.sandbox;
  } else {
    sessionId = `${opts.label ?? "held"}-${randomUUID()}`.slice(0, 64);
    try {
      entry = openEntry(sessionId, backend, config, true);
      inner = await entry.sandbox;
    } catch (e) {
      return err(appError("unavailable:sandbox", `Could not open a ${backend} sandbox: ${e instanceof Error ? e.message : String(e)}`));
    }
    if (slot) entry.reuseKey = slot;
    cold = slot !== undefined;
  }
  entry.idleTtlMs = opts.idleTtlMs ?? null;
  if (opts.lifetimeMs !== undefined) setDeadline(key(backend, sessionId), entry, Date.now() + opts.lifetimeMs);
  const held = heldSandbox(inner, entry, () => closeSession(sessionId, backend));
  if (opts.warm || slot) warmth.set(held, { cold, wait_ms: Math.round((performance.now() - started) * 10) / 10 });
  if (opts.signal?.aborted) {
    await held.close();
    return err(appError("bad_request:cancelled", "Cancelled before the sandbox was ready."));
  }
  return ok(held);
}

function warmPool(wslot: string): WarmPool {
  const pools = (state.warm ??= new Map());
  let p = pools.get(wslot);
  if (!p) pools.set(wslot, (p = { ready: [], filling: 0 }));
  return p;
}

/** A ready sandbox from the pool (its session id, entry and sandbox), or undefined when it is empty. */
async function takeWarm(wslot: string): Promise<[string, Entry, Sandbox] | undefined> {
  const pool = warmPool(wslot);
  while (pool.ready.length) {
    const k = pool.ready.shift()!;
    const entry = state.sessions.get(k);
    if (entry?.warming !== wslot) continue;
    const id = k.slice(k.indexOf(":") + 1);
    entry.warming = undefined;
    entry.lastUsed = Date.now();
    try {
      return [id, entry, await entry.sandbox];
    } catch {
      // A failed create removed itself; try the next one.
    }
  }
  return undefined;
}

/** Tops the pool up to what the queue asks for, in the background. Never throws. */
function refillWarm(wslot: string, backend: BackendName, config: SandboxConfigInput | undefined, demand: () => number): void {
  const pool = warmPool(wslot);
  const target = Math.min(WARM_MAX, Math.max(WARM_MIN, demand()));
  for (let n = pool.ready.length + pool.filling; n < target; n++) {
    pool.filling++;
    const id = `warm-${randomUUID()}`.slice(0, 64);
    let entry: Entry;
    try {
      entry = openEntry(id, backend, config, true, true);
    } catch {
      pool.filling--;
      return;
    }
    entry.warming = wslot;
    entry.sandbox.then(
      () => {
        pool.filling--;
        // Closed meanwhile (shutdown): not ready.
        if (state.sessions.get(key(backend, id)) === entry) pool.ready.push(key(backend, id));
      },
      () => {
        pool.filling--;
      },
    );
  }
}

const holders = new WeakMap<Sandbox, { entry: Entry; released: boolean }>();

/** The Sandbox a holder sees: its calls count as activity, and close() goes through the manager. */
function heldSandbox(inner: Sandbox, entry: Entry, closeIt: () => Promise<void>): Sandbox {
  const close = async () => {
    // A sandbox its holder parked belongs to the manager now: the holder's close does nothing.
    if (holders.get(sandbox)?.released) return;
    await closeIt();
  };
  const sandbox: Sandbox = {
    id: inner.id,
    backend: inner.backend,
    config: inner.config,
    get isolated() {
      return inner.isolated;
    },
    get isolation() {
      return inner.isolation;
    },
    tools: () => inner.tools(),
    executeTool: (name: string, args: unknown, eo?: ExecuteOptions) => tracked(entry, () => inner.executeTool(name, args, eo)),
    useRuntime: (fn) => tracked(entry, () => inner.useRuntime(fn)),
    close,
    [Symbol.asyncDispose]: close,
  };
  holders.set(sandbox, { entry, released: false });
  return sandbox;
}

/**
 * Hands a held sandbox back for reuse (acquired with `reuse`; the caller has made it clean): the
 * next acquireSandbox with the same reuse key, backend and config takes it; the sweep closes it
 * after `idleTtlMs` unused. A sandbox acquired without `reuse` is closed instead.
 */
export async function parkSandbox(sandbox: Sandbox, opts: { idleTtlMs: number }): Promise<void> {
  const h = holders.get(sandbox);
  if (!h || h.released || !h.entry.reuseKey || ![...state.sessions.values()].includes(h.entry)) return sandbox.close();
  h.released = true;
  h.entry.held = false;
  h.entry.parked = h.entry.reuseKey;
  h.entry.idleTtlMs = opts.idleTtlMs;
  h.entry.lastUsed = Date.now();
}

function setDeadline(k: string, entry: Entry, at: number): void {
  if (entry.deadline) clearTimeout(entry.deadline.timer);
  const timer = setTimeout(() => {
    if (state.sessions.get(k) === entry) void closeEntry(k);
  }, Math.max(0, at - Date.now()));
  timer.unref();
  entry.deadline = { at, timer };
}

/**
 * Moves a held sandbox's deadline to `at` (ms since epoch): it is closed then, busy or not. Returns
 * false when the sandbox is not open any more.
 */
export function setSandboxDeadline(sandbox: Pick<Sandbox, "id" | "backend">, at: number): boolean {
  const k = key(sandbox.backend, sandbox.id);
  const entry = state.sessions.get(k);
  if (!entry) return false;
  setDeadline(k, entry, at);
  return true;
}

/** What the manager knows of one open session's use (ms-enclave reads it instead of counting). */
export function sessionUsage(sessionId: SandboxSessionId, backend: BackendName): { running: number; last_used_ms: number; deadline_ms: number | null } | undefined {
  const e = state.sessions.get(key(backend, sessionId));
  return e ? { running: e.running, last_used_ms: e.lastUsed, deadline_ms: e.deadline?.at ?? null } : undefined;
}

/**
 * Runs `fn` with a sandbox held for its duration, then closes it (also when fn throws or the
 * signal aborts). Throws an AppError when no sandbox can be had.
 */
export async function withSandbox<T>(
  backend: BackendName,
  config: SandboxConfigInput | undefined,
  fn: (sandbox: Sandbox, signal?: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
  opts: Omit<AcquireOptions, "signal"> = {},
): Promise<T> {
  const r = await acquireSandbox(backend, config, { ...opts, signal });
  if (!r.ok) throw new AppError(r.error.code, r.error.message);
  await using sandbox = r.value;
  return await fn(sandbox, signal);
}

/**
 * Puts a sandbox made elsewhere (a live E2B sandbox, lib/service/e2b) under the manager as a held
 * session, so the Editor and the session list find it by id while its owner keeps it. With
 * `lifetimeMs` the manager owns its life like an acquired one: it closes it (sandbox.close()) at
 * the deadline, which setSandboxDeadline moves, and closeSession ends it early. Returns the
 * function that takes it out again without closing it.
 */
export function adoptSandbox(sessionId: SandboxSessionId, backend: BackendName, sandbox: Sandbox, opts: { lifetimeMs?: number } = {}): () => void {
  installHooks();
  const k = key(backend, sessionId);
  const entry: Entry = { sandbox: Promise.resolve(sandbox), ready: sandbox, lastUsed: Date.now(), running: 0, held: true, idleTtlMs: null };
  const previous = state.sessions.get(k);
  if (previous?.deadline) clearTimeout(previous.deadline.timer);
  state.sessions.set(k, entry);
  if (opts.lifetimeMs !== undefined) setDeadline(k, entry, Date.now() + opts.lifetimeMs);
  return () => {
    if (state.sessions.get(k) !== entry) return;
    if (entry.deadline) clearTimeout(entry.deadline.timer);
    state.sessions.delete(k);
  };
}

/** Closes one entry by its key. Never throws. */
async function closeEntry(k: string): Promise<void> {
  const entry = state.sessions.get(k);
  state.sessions.delete(k);
  if (entry?.deadline) clearTimeout(entry.deadline.timer);
  try {
    await (await entry?.sandbox)?.close();
  } catch (e) {
    console.error(`[sandbox] closing session ${k} failed`, e);
  }
}

/** Closes a session (on every backend when none is given). Never throws. */
export async function closeSession(sessionId: SandboxSessionId, backend?: BackendName): Promise<void> {
  const keys = [...state.sessions.keys()].filter((k) => (backend ? k === key(backend, sessionId) : k.endsWith(`:${sessionId}`)));
  await Promise.all(keys.map(closeEntry));
}

/** A live session as the session list shows it. */
export interface SessionListing {
  id: SandboxSessionId;
  backend: BackendName;
  /** Held by a caller (ms-enclave, a batch job): it expires only by its own idle TTL or deadline. */
  held: boolean;
  running: number;
  last_used_ms: number;
  /** When the manager closes it (idle sweep or deadline), if nothing uses it before; null when it would not. */
  expires_at_ms: number | null;
  /** How its runs are contained; null while the sandbox is still being created. */
  isolation: IsolationLevel | null;
}

/** Every open session, most recently used first (parked ones are nobody's session and are left out). */
export function listSessions(): SessionListing[] {
  return [...state.sessions.entries()]
    .filter(([, e]) => e.parked === undefined && e.warming === undefined)
    .map(([k, e]) => {
      const at = k.indexOf(":");
      const ttl = idleTtl(e);
      const idleEnd = ttl === null || e.running > 0 ? null : e.lastUsed + ttl;
      const ends = [idleEnd, e.deadline?.at ?? null].filter((t): t is number => t !== null);
      return {
        id: k.slice(at + 1),
        backend: k.slice(0, at) as BackendName,
        held: e.held,
        running: e.running,
        last_used_ms: e.lastUsed,
        expires_at_ms: ends.length ? Math.min(...ends) : null,
        isolation: e.ready?.isolation ?? null,
      };
    })
    .sort((a, b) => b.last_used_ms - a.last_used_ms);
}

export function sessionCount(): number {
  return state.sessions.size;
}

/**
 * Closes sessions idle for longer than their TTL (none running): keyed sessions after
 * PLAYGROUND_SESSION_TTL_S, held ones after the TTL their holder set, parked ones after theirs.
 * Exposed for tests (`now` in the future).
 */
export async function sweepIdleSessions(now = Date.now()): Promise<number> {
  const idle = [...state.sessions.entries()].filter(([, e]) => {
    const ttl = idleTtl(e);
    return (e.running === 0 && ttl !== null && now - e.lastUsed > ttl) || (e.deadline !== undefined && now >= e.deadline.at);
  });
  await Promise.all(idle.map(([k]) => closeEntry(k)));
  return idle.length;
}

/** Closes all sessions (held ones too) and kills all runs. */
export async function shutdownSessions(): Promise<void> {
  for (const c of state.runs.values()) c.abort();
  state.runs.clear();
  await Promise.all([...state.sessions.keys()].map((k) => closeSession(k.slice(k.indexOf(":") + 1))));
  await Promise.all(createdBackends().map((b) => b.shutdown().catch(() => {})));
}

function installHooks() {
  if (!state.sweeper) {
    state.sweeper = setInterval(() => void sweepIdleSessions(), 60_000);
    state.sweeper.unref();
  }
  if (!state.exitHookInstalled) {
    state.exitHookInstalled = true;
    // 'exit' handlers must be synchronous: kill process groups and remove directories right here.
    process.once("exit", () => {
      for (const c of state.runs.values()) c.abort();
      for (const b of createdBackends()) (b as { shutdownSync?: () => void }).shutdownSync?.();
    });
    for (const sig of ["SIGINT", "SIGTERM"] as const) {
      process.once(sig, () => {
        // Let other handlers (Next's graceful shutdown) run; exit ourselves only if nobody else will.
        if (process.listenerCount(sig) === 0) process.exit(sig === "SIGINT" ? 130 : 143);
      });
    }
  }
}
