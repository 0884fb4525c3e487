import "server-only";
import { randomUUID } from "node:crypto";
import { AppError, appError } from "@/lib/errors";
import { globalStore } from "@/lib/global-store";
import { serverEnv } from "@/lib/env";
import { err, ok, type Result } from "@/lib/result";
import { backendAvailability, createdBackends, getBackend } from "./registry";
import type { BackendName, ExecuteOptions, Sandbox, SandboxConfigInput, SandboxSessionId, ToolResult } from "./types";

// The session manager: the one way the app gets a sandbox. Editor and Chat use keyed sessions
// (getSession / runTool: one Sandbox per (backend, session id), closed after an idle TTL); batch
// jobs and the CLI hold one for a while (acquireSandbox / withSandbox). Shutdown closes them all.
// Cancellation is an AbortSignal; a run may also carry a runId so the Editor's cancel endpoint
// (a route, because server actions queue behind each other) can find it.

interface Entry {
  sandbox: Promise<Sandbox>;
  lastUsed: number;
  running: number;
  /** Acquired by a caller that closes it (batch job, CLI): the idle sweep leaves it alone. */
  held: boolean;
}

interface State {
  sessions: Map<string, Entry>;
  runs: Map<string, AbortController>;
  sweeper?: NodeJS.Timeout;
  exitHookInstalled?: boolean;
}
const state = globalStore<State>("sandbox-sessions", () => ({ sessions: new Map(), runs: new Map() }));

const key = (backend: BackendName, id: SandboxSessionId) => `${backend}:${id}`;

function openEntry(sessionId: SandboxSessionId, backend: BackendName, config: SandboxConfigInput | undefined, held: boolean): Entry {
  installHooks();
  const k = key(backend, sessionId);
  const existing = state.sessions.get(k);
  if (existing) {
    existing.lastUsed = Date.now();
    return existing;
  }
  const b = getBackend(backend);
  if (!b) throw new AppError("unavailable:sandbox", `The ${backend} backend is not available in this build.`);
  const entry: Entry = { sandbox: b.create(config, { sessionId }), lastUsed: Date.now(), running: 0, held };
  state.sessions.set(k, entry);
  // A failed create must not stay cached.
  entry.sandbox.catch(() => {
    if (state.sessions.get(k) === entry) state.sessions.delete(k);
  });
  return entry;
}

/** Get-or-create. A config only applies when the session is created. Throws if the backend is unavailable. */
export async function getSession(sessionId: SandboxSessionId, backend: BackendName, config?: SandboxConfigInput): Promise<Sandbox> {
  return openEntry(sessionId, backend, config, false).sandbox;
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
    return await tracked(entry, () => sandbox.executeTool(input.tool, input.args, { signal: ctl.signal }));
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
}

/**
 * A sandbox session held by the caller until it calls close() (or `await using`). The session
 * manager owns it meanwhile: shutdown closes it, the idle sweep does not. Failure is a value:
 * `unavailable:sandbox` when the backend is missing, unavailable, or cannot create a session.
 */
export async function acquireSandbox(backend: BackendName, config?: SandboxConfigInput, opts: AcquireOptions = {}): Promise<Result<Sandbox>> {
  const b = getBackend(backend);
  if (!b) return err(appError("unavailable:sandbox", `The ${backend} sandbox backend is not available in this build.`));
  const avail = await backendAvailability(backend);
  if (!avail.available) return err(appError("unavailable:sandbox", `The ${backend} sandbox cannot run code: ${avail.reason ?? "unavailable"}.`));
  const sessionId = `${opts.label ?? "held"}-${randomUUID()}`.slice(0, 64);
  let entry: Entry;
  let inner: Sandbox;
  try {
    entry = openEntry(sessionId, backend, config, true);
    inner = await entry.sandbox;
  } catch (e) {
    return err(appError("unavailable:sandbox", `Could not open a ${backend} sandbox: ${e instanceof Error ? e.message : String(e)}`));
  }
  const held = heldSandbox(inner, entry, () => closeSession(sessionId, backend));
  if (opts.signal?.aborted) {
    await held.close();
    return err(appError("bad_request:cancelled", "Cancelled before the sandbox was ready."));
  }
  return ok(held);
}

/** The Sandbox a holder sees: its calls count as activity, and close() goes through the manager. */
function heldSandbox(inner: Sandbox, entry: Entry, close: () => Promise<void>): Sandbox {
  return {
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
 * Puts a sandbox made elsewhere (a live E2B sandbox, lib/service/e2b/attach.ts) under the manager as
 * a held session, so the Editor and the session list find it by id while its owner keeps it.
 * Returns the function that takes it out again.
 */
export function adoptSandbox(sessionId: SandboxSessionId, backend: BackendName, sandbox: Sandbox): () => void {
  installHooks();
  const k = key(backend, sessionId);
  const entry: Entry = { sandbox: Promise.resolve(sandbox), lastUsed: Date.now(), running: 0, held: true };
  state.sessions.set(k, entry);
  return () => {
    if (state.sessions.get(k) === entry) state.sessions.delete(k);
  };
}

/** Closes a session (on every backend when none is given). Never throws. */
export async function closeSession(sessionId: SandboxSessionId, backend?: BackendName): Promise<void> {
  const keys = [...state.sessions.keys()].filter((k) => (backend ? k === key(backend, sessionId) : k.endsWith(`:${sessionId}`)));
  await Promise.all(
    keys.map(async (k) => {
      const entry = state.sessions.get(k);
      state.sessions.delete(k);
      try {
        await (await entry?.sandbox)?.close();
      } catch (e) {
        console.error(`[sandbox] closing session ${k} failed`, e);
      }
    }),
  );
}

/** A live session as the session list shows it. */
export interface SessionListing {
  id: SandboxSessionId;
  backend: BackendName;
  /** Held by a caller (ms-enclave, a batch job): it does not expire while held. */
  held: boolean;
  running: number;
  last_used_ms: number;
  /** When the idle sweep closes it, if nothing uses it before; null while held or running. */
  expires_at_ms: number | null;
}

/** Every open session, most recently used first. */
export function listSessions(): SessionListing[] {
  const ttlMs = serverEnv().PLAYGROUND_SESSION_TTL_S * 1000;
  return [...state.sessions.entries()]
    .map(([k, e]) => {
      const at = k.indexOf(":");
      return {
        id: k.slice(at + 1),
        backend: k.slice(0, at) as BackendName,
        held: e.held,
        running: e.running,
        last_used_ms: e.lastUsed,
        expires_at_ms: e.held || e.running > 0 ? null : e.lastUsed + ttlMs,
      };
    })
    .sort((a, b) => b.last_used_ms - a.last_used_ms);
}

export function sessionCount(): number {
  return state.sessions.size;
}

/** Closes sessions idle for longer than the TTL (none running, none held). Exposed for tests. */
export async function sweepIdleSessions(now = Date.now()): Promise<number> {
  const ttlMs = serverEnv().PLAYGROUND_SESSION_TTL_S * 1000;
  const idle = [...state.sessions.entries()].filter(([, e]) => !e.held && e.running === 0 && now - e.lastUsed > ttlMs);
  await Promise.all(
    idle.map(async ([k, e]) => {
      state.sessions.delete(k);
      await (await e.sandbox.catch(() => null))?.close().catch(() => {});
    }),
  );
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
