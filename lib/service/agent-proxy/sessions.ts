import "server-only";
import { TrajectoryManager, type BaseSample, type ExplainedSample, type Reward, type TrajectoryPreview } from "@/lib/agent/trajectory";
import { serverEnv } from "@/lib/env";
import { globalStore } from "@/lib/global-store";
import type { AgentApiName } from "./wire";
import type { AgentSessionState, AgentSessionSummary, AgentTurn } from "./session-types";
import type { SandboxCallRow } from "./view-types";

// The proxy's sessions, in memory (as slime's adapter holds them for the length of a rollout):
// the recorded turns per session id, the turn-cap counter, the turns in flight (so finish and drop
// can stop them), and whether the session is closed. A closed session refuses stragglers.

export interface AgentSession {
  sid: string;
  state: AgentSessionState;
  created: number;
  updated: number;
  /** Bumped on every change (a turn, an error, a sandbox call with its key): the page's `since`. */
  version: number;
  turns: AgentTurn[];
  requests: number;
  errors: number;
  last_error?: string;
  apis: Set<AgentApiName>;
  /** Turns in flight: their stop switch and a promise that settles when they are done. */
  inflight: Map<AbortController, Promise<unknown>>;
  /** Samples from finish, kept so the page can show and export them. */
  finished?: { reward: Reward; samples: ExplainedSample[]; at: number };
  /** Sandbox calls made in-process for this session (Chat's tool runs), beside those Traffic holds. */
  local_calls?: SandboxCallRow[];
  /** The live preview, computed once per recorded turn. */
  preview?: { turns: number; value: TrajectoryPreview | undefined };
}

type Listener = (sid: string) => void;

// One TrajectoryManager for every session, as slime's adapter holds one: the per-session trees live in it.
const store = globalStore("agent-proxy-sessions", () => ({
  sessions: new Map<string, AgentSession>(),
  listeners: new Set<Listener>(),
  manager: new TrajectoryManager({ forkThresholdTokens: serverEnv().PLAYGROUND_AGENT_FORK_THRESHOLD ?? null }),
  /** Sandbox id → the agent session whose call created or used it (later calls on it join the session). */
  sandboxes: new Map<string, string>(),
}));

/** Sandboxes remembered for their session; the oldest are forgotten first. */
const MAX_LINKED_SANDBOXES = 10_000;

export function trajectoryManager(): TrajectoryManager {
  return store.manager;
}

function changed(sid: string): void {
  const s = store.sessions.get(sid);
  if (s) s.version++;
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
    s = { sid, state: "live", created: now, updated: now, version: 0, turns: [], requests: 0, errors: 0, apis: new Set(), inflight: new Map() };
    store.sessions.set(sid, s);
  }
  s.apis.add(api);
  return s;
}

/** Records an answered turn in the session and in the trajectory (slime's record_turn). */
export function recordTurn(s: AgentSession, turn: Omit<AgentTurn, "index">): AgentTurn {
  const t: AgentTurn = { ...turn, index: s.turns.length };
  const r = store.manager.recordTurn(s.sid, {
    turn: { prompt_ids: t.prompt_ids, output_ids: t.output_ids, finish_reason: t.finish_reason, output_log_probs: t.output_log_probs, ill_formed: t.ill_formed },
    promptMessages: t.prompt_messages as never,
    responseMessage: t.response_message as never,
    metadata: t.metadata as never,
  });
  if (!r.ok) noteError(s, r.error.message);
  s.turns.push(t);
  s.updated = Date.now();
  changed(s.sid);
  return t;
}

/** A sandbox call made in this process for the session (Chat's tool run): it joins the timeline. */
export function recordLocalSandboxCall(sid: string, row: SandboxCallRow): void {
  const s = store.sessions.get(sid);
  if (!s) return;
  (s.local_calls ??= []).push(row);
  touch(s);
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
  store.manager.dropSession(s.sid);
  s.turns = [];
  delete s.finished;
  delete s.preview;
  touch(s);
}

/**
 * slime's finish_session: close the session (in-flight turns get their grace period), then
 * get_trajectory. A session finished before (or never seen) answers no samples, as slime's does,
 * and stays closed.
 */
export async function finishSession(
  sid: string,
  opts: { baseSample: BaseSample; reward: Reward; extraMetadata: Record<string, unknown> },
): Promise<{ session: AgentSession; samples: ExplainedSample[] }> {
  let s = store.sessions.get(sid);
  if (!s) {
    const now = Date.now();
    s = { sid, state: "live", created: now, updated: now, version: 0, turns: [], requests: 0, errors: 0, apis: new Set(), inflight: new Map() };
    store.sessions.set(sid, s);
  }
  const wasLive = s.state === "live";
  await closeSession(s, "finished");
  if (!wasLive) return { session: s, samples: [] };
  sessionPreview(s); // keep the tree for the page: finish consumes it
  const samples = store.manager.finish(sid, {
    baseSample: opts.baseSample,
    reward: opts.reward,
    extraMetadata: opts.extraMetadata,
    maxSampleTokens: serverEnv().PLAYGROUND_AGENT_MAX_CONTEXT,
  });
  s.finished = { reward: opts.reward, samples, at: Date.now() };
  touch(s);
  return { session: s, samples };
}

/** The tree and the Samples get_trajectory would give now (or gave, once finished). */
export function sessionPreview(s: AgentSession): TrajectoryPreview | undefined {
  if (s.preview?.turns === s.turns.length) return s.preview.value;
  const value = store.manager.preview(s.sid, { baseSample: { index: null, group_index: null, rollout_id: null, prompt: "", label: null }, reward: 0 });
  s.preview = { turns: s.turns.length, value };
  return value;
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
    version: s.version,
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

/** The metadata keys a sandbox's creator may name its agent session with (E2B `metadata`). */
const METADATA_KEYS = ["session_id", "agent_session", "agent_session_id"] as const;

/** The agent session a sandbox's metadata names, if any. Metadata is not a secret (E2B lists it). */
export function agentSessionOfMetadata(metadata: Record<string, string> | undefined): string | undefined {
  for (const k of METADATA_KEYS) {
    const v = metadata?.[k]?.trim();
    if (v) return v.slice(0, 256);
  }
  return undefined;
}

/**
 * The agent session of one sandbox call for Traffic: the session the API named (`fields.session_id`,
 * e.g. from E2B metadata), else the caller's key or X-Agent-Session when the proxy knows it, else
 * the session of the sandbox it runs on. A call with a session and a sandbox id links the two, so
 * later calls on that sandbox (E2B's sandbox plane sends no key) join the same timeline.
 */
export function agentSessionOfCall(req: Request, fields: { session_id?: string; sandbox_id?: string }): string | undefined {
  const box = fields.sandbox_id;
  const sid = fields.session_id || agentSessionOfRequest(req) || (box ? store.sandboxes.get(box) : undefined);
  if (!sid) return undefined;
  if (box && store.sandboxes.get(box) !== sid) {
    store.sandboxes.set(box, sid);
    if (store.sandboxes.size > MAX_LINKED_SANDBOXES) store.sandboxes.delete(store.sandboxes.keys().next().value!);
  }
  if (store.sessions.has(sid)) changed(sid);
  return sid;
}

/**
 * The agent session a sandbox call belongs to, for the Agents page's timeline: the key it sends
 * (Bearer or X-Api-Key) or an `X-Agent-Session` header, when that names a session the proxy knows.
 * Only known session ids are returned, so no other secret reaches the Traffic log.
 */
export function agentSessionOfRequest(req: Request): string | undefined {
  const bearer = /^Bearer\s+(.+)$/i.exec((req.headers.get("authorization") ?? "").trim())?.[1]?.trim();
  const token = serverEnv().PLAYGROUND_TOKEN;
  for (const k of [req.headers.get("x-agent-session")?.trim(), bearer, req.headers.get("x-api-key")?.trim()]) {
    if (k && k !== token && store.sessions.has(k)) {
      changed(k); // its timeline gains this call
      return k;
    }
  }
  return undefined;
}
