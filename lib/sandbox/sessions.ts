import "server-only";
import { globalStore } from "@/lib/global-store";
import { serverEnv } from "@/lib/env";
import { createdBackends, getBackend } from "./registry";
import type { BackendName, Sandbox, SandboxConfigInput, ToolResult } from "./types";

// Server-side sessions for the web app: one Sandbox per (backend, session id), closed after an
// idle TTL or when the process exits. Runs carry an AbortController under their runId so a
// Cancel button can kill them.

interface Entry {
  sandbox: Promise<Sandbox>;
  lastUsed: number;
  running: number;
}

interface State {
  sessions: Map<string, Entry>;
  runs: Map<string, AbortController>;
  sweeper?: NodeJS.Timeout;
  exitHookInstalled?: boolean;
}
const state = globalStore<State>("sandbox-sessions", () => ({ sessions: new Map(), runs: new Map() }));

const key = (backend: BackendName, id: string) => `${backend}:${id}`;

/** Get-or-create. A config only applies when the session is created. Throws if the backend is unavailable. */
export async function getSession(sessionId: string, backend: BackendName, config?: SandboxConfigInput): Promise<Sandbox> {
  installHooks();
  const k = key(backend, sessionId);
  const existing = state.sessions.get(k);
  if (existing) {
    existing.lastUsed = Date.now();
    return existing.sandbox;
  }
  const b = getBackend(backend);
  if (!b) throw new Error(`The ${backend} backend is not available in this build.`);
  const entry: Entry = { sandbox: b.create(config, { sessionId }), lastUsed: Date.now(), running: 0 };
  state.sessions.set(k, entry);
  // A failed create must not stay cached.
  entry.sandbox.catch(() => state.sessions.delete(k));
  return entry.sandbox;
}

export interface RunToolInput {
  sessionId: string;
  backend: BackendName;
  tool: string;
  args: unknown;
  /** Lets cancelRun() find this run. */
  runId?: string;
  /** Used only if this call creates the session. */
  config?: SandboxConfigInput;
}

/** Runs one tool call in a session. Never throws. */
export async function runTool(input: RunToolInput): Promise<ToolResult> {
  const started = performance.now();
  let sandbox: Sandbox;
  try {
    sandbox = await getSession(input.sessionId, input.backend, input.config);
  } catch (e) {
    return {
      tool_name: input.tool,
      status: "error",
      output: "",
      error: `Could not open a ${input.backend} sandbox: ${e instanceof Error ? e.message : String(e)}`,
      duration_ms: Math.round(performance.now() - started),
    };
  }
  const entry = state.sessions.get(key(input.backend, input.sessionId));
  const ctl = new AbortController();
  if (input.runId) {
    state.runs.get(input.runId)?.abort();
    state.runs.set(input.runId, ctl);
  }
  if (entry) entry.running++;
  try {
    return await sandbox.executeTool(input.tool, input.args, { signal: ctl.signal });
  } finally {
    if (entry) {
      entry.running--;
      entry.lastUsed = Date.now();
    }
    if (input.runId && state.runs.get(input.runId) === ctl) state.runs.delete(input.runId);
  }
}

/** Cancels a run in flight. Returns false when no such run is running. */
export function cancelRun(runId: string): boolean {
  const ctl = state.runs.get(runId);
  if (!ctl) return false;
  ctl.abort();
  state.runs.delete(runId);
  return true;
}

/** Closes a session (on every backend when none is given). Never throws. */
export async function closeSession(sessionId: string, backend?: BackendName): Promise<void> {
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

export function sessionCount(): number {
  return state.sessions.size;
}

/** Closes sessions idle for longer than the TTL (none running). Exposed for tests. */
export async function sweepIdleSessions(now = Date.now()): Promise<number> {
  const ttlMs = serverEnv().PLAYGROUND_SESSION_TTL_S * 1000;
  const idle = [...state.sessions.entries()].filter(([, e]) => e.running === 0 && now - e.lastUsed > ttlMs);
  await Promise.all(
    idle.map(async ([k, e]) => {
      state.sessions.delete(k);
      await (await e.sandbox.catch(() => null))?.close().catch(() => {});
    }),
  );
  return idle.length;
}

/** Closes all sessions and kills all runs. */
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
