import "server-only";
import { globalStore } from "@/lib/global-store";
import type { AgentApiName } from "./wire";
import type { AgentSessionState, AgentSessionSummary, AgentTurn } from "./session-types";

// The proxy's sessions, in memory (as slime's adapter holds them for the length of a rollout):
// the recorded turns per session id, the turn-cap counter, the turns in flight (so finish and drop
// can stop them), and whether the session is closed. A closed session refuses stragglers.

export interface AgentSession {
  sid: string;
  state: AgentSessionState;
  created: number;
  updated: number;
  turns: AgentTurn[];
  requests: number;
  errors: number;
  last_error?: string;
  apis: Set<AgentApiName>;
  /** Turns in flight: their stop switch and a promise that settles when they are done. */
  inflight: Map<AbortController, Promise<unknown>>;
  /** Samples from finish, kept so the page can show and export them. */
  finished?: { reward: number; samples: unknown[]; at: number };
}

type Listener = (sid: string) => void;

const store = globalStore("agent-proxy-sessions", () => ({ sessions: new Map<string, AgentSession>(), listeners: new Set<Listener>() }));

function changed(sid: string): void {
  for (const l of store.listeners) {
    try {
      l(sid);
    } catch {
      // a listener's failure is its own
    }
  }
}

export function subscribeSessions(l: Listener): () => void {
  store.listeners.add(l);
  return () => store.listeners.delete(l);
}

export function getSession(sid: string): AgentSession | undefined {
  return store.sessions.get(sid);
}

export function openSession(sid: string, api: AgentApiName): AgentSession {
  let s = store.sessions.get(sid);
  if (!s) {
    const now = Date.now();
    s = { sid, state: "live", created: now, updated: now, turns: [], requests: 0, errors: 0, apis: new Set(), inflight: new Map() };
    store.sessions.set(sid, s);
  }
  s.apis.add(api);
  return s;
}

export function recordTurn(s: AgentSession, turn: Omit<AgentTurn, "index">): AgentTurn {
  const t: AgentTurn = { ...turn, index: s.turns.length };
  s.turns.push(t);
  s.updated = Date.now();
  changed(s.sid);
  return t;
}

export function noteError(s: AgentSession, message: string): void {
  s.errors++;
  s.last_error = message;
  s.updated = Date.now();
  changed(s.sid);
}

export function touch(s: AgentSession): void {
  s.updated = Date.now();
  changed(s.sid);
}

/**
 * Closes a session, as slime's shutdown_session: later turns are refused at once, turns in flight
 * get `waitMs` to finish (and are recorded when they do), the rest are stopped and not recorded.
 */
export async function closeSession(s: AgentSession, state: "finished" | "dropped", waitMs = 5000): Promise<void> {
  s.state = state;
  touch(s);
  const pending = [...s.inflight.values()];
  if (pending.length) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(pending), new Promise((r) => (timer = setTimeout(r, waitMs)))]);
    clearTimeout(timer);
  }
  for (const c of s.inflight.keys()) c.abort(new Error(`session ${state}`));
  s.inflight.clear();
  touch(s);
}

/** Drops a session's turns; its id stays closed so stragglers are refused, as slime keeps it in `closed`. */
export async function dropSession(s: AgentSession): Promise<void> {
  await closeSession(s, "dropped");
  s.turns = [];
  delete s.finished;
  touch(s);
}

export function summary(s: AgentSession): AgentSessionSummary {
  let prompt = 0;
  let output = 0;
  let ill = 0;
  for (const t of s.turns) {
    prompt += t.prompt_ids.length;
    output += t.output_ids.length;
    if (t.ill_formed) ill++;
  }
  return {
    sid: s.sid,
    state: s.state,
    created: s.created,
    updated: s.updated,
    turns: s.turns.length,
    requests: s.requests,
    inflight: s.inflight.size,
    errors: s.errors,
    ...(s.last_error ? { last_error: s.last_error } : {}),
    apis: [...s.apis],
    prompt_tokens: prompt,
    output_tokens: output,
    ill_formed: ill,
  };
}

/** Newest first. */
export function listSessions(): AgentSessionSummary[] {
  return [...store.sessions.values()].sort((a, b) => b.created - a.created).map(summary);
}
