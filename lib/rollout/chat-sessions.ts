import "server-only";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { serverEnv } from "@/lib/env";
import { replaceCodeInTurn } from "./edit";
import { runIdSchema, sessionIdSchema } from "./ids";
import { runRollout, type ResumeFrom } from "./loop";
import { assistantTurnsFromResponse } from "./models/replay";
import { createModel, effectiveApiKey, rewarder, sandboxToolRunner } from "./setup";
import { chatSettingsSchema, defaultChatSettings, type ChatSettings } from "./settings";
import { resolveTokenizer } from "./tokens";
import { applyEvent, type RolloutEvent, type RolloutRecord, type TurnRecord } from "./transcript";
import type { ModelError, TextModel } from "./models/types";

// Chat sessions: settings + every run (the original and each edited re-run),
// persisted as one JSON file per session so a reload (or a restart) keeps them.
// Runs execute here, independent of any request: a stream subscribes to a run,
// Stop aborts it, and a dropped browser connection does not lose it.

export { runIdSchema, sessionIdSchema };

/** The replay value meaning "the trajectory stored with this session" (e.g. opened from Inspect). */
export const RECORDED_REPLAY = "recorded";

const recordSchema = z.custom<RolloutRecord>(
  (v) => typeof v === "object" && v !== null && Array.isArray((v as { turns?: unknown }).turns),
);

export const chatRunSchema = z.object({
  id: runIdSchema,
  n: z.number().int().positive(),
  created_at: z.string(),
  parent: z.object({ run_id: runIdSchema, turn: z.number().int().min(0), what: z.enum(["text", "code"]) }).optional(),
  settings: chatSettingsSchema,
  state: z.enum(["running", "done"]),
  record: recordSchema.nullable(),
});
export type ChatRun = z.infer<typeof chatRunSchema>;

export const chatSessionSchema = z.object({
  id: sessionIdSchema,
  created_at: z.string(),
  updated_at: z.string(),
  settings: chatSettingsSchema,
  /** Assistant turns to replay when settings.endpoint.replay_sample is "recorded". */
  replay: z.object({ name: z.string(), turns: z.array(z.string()) }).optional(),
  runs: z.array(chatRunSchema),
});
export type ChatSession = z.infer<typeof chatSessionSchema>;

/** What the browser gets: no key, only whether one is set and where from. */
export type ApiKeyState = "session" | "env" | null;

interface LiveRun {
  sessionId: string;
  events: RolloutEvent[];
  listeners: Set<() => void>;
  done: boolean;
  controller: AbortController;
}

interface State {
  live: Map<string, LiveRun>;
  /** API keys typed into the UI: memory only, never written, never sent back. */
  keys: Map<string, string>;
  /** Per-session write queue so saves never interleave. */
  writes: Map<string, Promise<void>>;
  cache: Map<string, ChatSession>;
}
const g = globalThis as typeof globalThis & { __rpChatSessions?: State };
const state: State = (g.__rpChatSessions ??= { live: new Map(), keys: new Map(), writes: new Map(), cache: new Map() });

const newId = () => randomBytes(8).toString("hex");
const now = () => new Date().toISOString();

function dir(): string {
  return path.resolve(serverEnv().PLAYGROUND_STATE_DIR, "chat-sessions");
}
function file(id: string): string {
  return path.join(dir(), `${sessionIdSchema.parse(id)}.json`);
}

/** Defaults for a fresh session: env-configured backend if any, else replay of the default sample. */
export function initialSettings(): ChatSettings {
  const env = serverEnv();
  const base = defaultChatSettings();
  if (env.PLAYGROUND_MODEL_BACKEND === "replay") return { ...base, max_context_len: env.PLAYGROUND_MAX_CONTEXT_LEN };
  return {
    ...base,
    max_context_len: env.PLAYGROUND_MAX_CONTEXT_LEN,
    endpoint: {
      kind: env.PLAYGROUND_MODEL_BACKEND,
      url: env.PLAYGROUND_MODEL_URL,
      model: env.PLAYGROUND_MODEL_NAME,
      timeout_s: env.PLAYGROUND_MODEL_TIMEOUT_S,
    },
  };
}

async function save(session: ChatSession): Promise<void> {
  session.updated_at = now();
  state.cache.set(session.id, session);
  const text = JSON.stringify(session);
  const prev = state.writes.get(session.id) ?? Promise.resolve();
  const next = prev
    .catch(() => {})
    .then(async () => {
      await mkdir(dir(), { recursive: true });
      const tmp = `${file(session.id)}.${process.pid}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, file(session.id));
    });
  state.writes.set(session.id, next);
  await next;
}

export async function createChatSession(
  settings: ChatSettings = initialSettings(),
  replay?: ChatSession["replay"],
): Promise<ChatSession> {
  const t = now();
  const session: ChatSession = { id: newId(), created_at: t, updated_at: t, settings, runs: [], ...(replay ? { replay } : {}) };
  await save(session);
  return session;
}

export interface Handoff {
  prompt: string;
  label?: string | null;
  system?: string | null;
  /** Recorded assistant text (turns and observations), replayed with its code run live. */
  assistant?: string | null;
  source?: string;
}

/** A session opened from elsewhere (Inspect's "Open in Chat", a shipped sample). */
export async function createSessionFromHandoff(h: Handoff): Promise<ChatSession> {
  const base = initialSettings();
  const settings: ChatSettings = { ...base, prompt: h.prompt, label: h.label ?? "", system: h.system ?? "" };
  const turns = h.assistant ? assistantTurnsFromResponse(h.assistant).filter((t) => t !== "") : [];
  if (turns.length === 0) return createChatSession(settings);
  return createChatSession(
    { ...settings, endpoint: { ...settings.endpoint, kind: "replay", replay_sample: RECORDED_REPLAY } },
    { name: h.source ?? "recorded trajectory", turns },
  );
}

export async function getChatSession(id: string): Promise<ChatSession | null> {
  if (!sessionIdSchema.safeParse(id).success) return null;
  const cached = state.cache.get(id);
  if (cached) return cached;
  let raw: string;
  try {
    raw = await readFile(file(id), "utf8");
  } catch {
    return null;
  }
  const parsed = chatSessionSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    console.error(`[chat] session file ${id} is not valid: ${z.prettifyError(parsed.error)}`);
    return null;
  }
  const session = parsed.data;
  // A run marked running that no process runs was cut off by a restart.
  for (const run of session.runs)
    if (run.state === "running" && !state.live.has(run.id)) {
      run.state = "done";
      if (run.record && !run.record.status)
        run.record = {
          ...run.record,
          status: "aborted",
          error: { code: "internal", message: "The server restarted while this run was in progress." },
        };
    }
  state.cache.set(id, session);
  return session;
}

export async function saveChatSettings(id: string, settings: ChatSettings): Promise<ChatSession | null> {
  const session = await getChatSession(id);
  if (!session) return null;
  session.settings = settings;
  await save(session);
  return session;
}

export function setSessionApiKey(id: string, key: string | null): void {
  if (key) state.keys.set(id, key);
  else state.keys.delete(id);
}

export function apiKeyState(id: string): ApiKeyState {
  if (state.keys.has(id)) return "session";
  return serverEnv().PLAYGROUND_MODEL_API_KEY ? "env" : null;
}

export function sessionApiKey(id: string): string | undefined {
  return effectiveApiKey(state.keys.get(id));
}

export interface RerunFrom {
  run_id: string;
  turn: number;
  /** New text for that turn, or new code for its tool call. */
  text?: string;
  code?: string;
  call_index?: number;
}

export type StartRun = { ok: true; run: ChatRun } | { ok: false; code: string; message: string };

function failingModel(error: ModelError): TextModel {
  return { mode: "text", kind: "replay", complete: async () => ({ ok: false, error }) };
}

/** Starts a run (fresh, or a re-run from an edited turn of an earlier run). */
export async function startRun(sessionId: string, from?: RerunFrom, newSettings?: ChatSettings): Promise<StartRun> {
  const session = await getChatSession(sessionId);
  if (!session) return { ok: false, code: "not_found:session", message: "This chat session does not exist." };
  if (session.runs.some((r) => r.state === "running" && state.live.has(r.id)))
    return { ok: false, code: "conflict:run", message: "A run is already in progress in this session. Stop it first." };
  // A fresh run uses the settings the form shows; they become the session's.
  if (newSettings && !from) session.settings = newSettings;

  let resume: ResumeFrom | undefined;
  let settings = session.settings;
  let parent: ChatRun["parent"];
  if (from) {
    const base = session.runs.find((r) => r.id === from.run_id);
    if (!base?.record) return { ok: false, code: "not_found:run", message: "The run to edit does not exist." };
    const turn = base.record.turns.find((t) => t.index === from.turn);
    if (!turn) return { ok: false, code: "bad_request:turn", message: `Run ${base.n} has no turn ${from.turn + 1}.` };
    settings = base.settings;
    const kept = base.record.turns.filter((t) => t.index < from.turn);
    const forced = forcedTurn(base.record.mode, turn, from);
    if (!forced.ok) return { ok: false, code: "bad_request:edit", message: forced.error };
    resume = { kept, forced: forced.value };
    parent = { run_id: base.id, turn: from.turn, what: from.code !== undefined ? "code" : "text" };
  }

  const run: ChatRun = {
    id: newId(),
    n: session.runs.reduce((m, r) => Math.max(m, r.n), 0) + 1,
    created_at: now(),
    ...(parent ? { parent } : {}),
    settings,
    state: "running",
    record: null,
  };
  session.runs.push(run);
  const live: LiveRun = { sessionId, events: [], listeners: new Set(), done: false, controller: new AbortController() };
  state.live.set(run.id, live);
  await save(session);
  void execute(session, run, live, resume);
  return { ok: true, run };
}

function forcedTurn(
  mode: "text" | "chat",
  turn: TurnRecord,
  from: RerunFrom,
): { ok: true; value: NonNullable<ResumeFrom["forced"]> } | { ok: false; error: string } {
  if (from.code === undefined) {
    if (from.text === undefined) return { ok: false, error: "Give the new text or the new code." };
    return { ok: true, value: { text: from.text, ...(mode === "chat" ? { tool_calls: chatCalls(turn) } : {}) } };
  }
  if (mode === "chat") {
    const i = from.call_index ?? 0;
    const calls = chatCalls(turn);
    if (!calls[i]) return { ok: false, error: "That tool call does not exist." };
    calls[i] = { ...calls[i]!, arguments: JSON.stringify({ code: from.code }) };
    return { ok: true, value: { text: turn.raw, tool_calls: calls } };
  }
  const r = replaceCodeInTurn(turn.text, from.code);
  return r.ok ? { ok: true, value: { text: r.text } } : r;
}

function chatCalls(turn: TurnRecord) {
  return turn.tool_calls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments ?? JSON.stringify({ code: c.code }) }));
}

async function execute(session: ChatSession, run: ChatRun, live: LiveRun, resume?: ResumeFrom): Promise<void> {
  const s = run.settings;
  const env = serverEnv();
  const notices: string[] = [];
  const { tokenizer, warning } = await resolveTokenizer(s.tokenizer_dir || env.PLAYGROUND_TOKENIZER_DIR);
  if (warning) notices.push(warning);
  const replay =
    s.endpoint.kind === "replay" && s.endpoint.replay_sample === RECORDED_REPLAY && session.replay
      ? { turns: session.replay.turns, name: session.replay.name }
      : undefined;
  const setup = createModel(s.endpoint, { apiKey: sessionApiKey(session.id), ...(replay ? { replay } : {}) });
  const model = setup.ok ? setup.model : failingModel(setup.error);

  let lastSave = 0;
  try {
    const events = runRollout(
      {
        prompt: s.prompt,
        label: s.label,
        system: s.system,
        sampling: s.sampling,
        max_turns: s.max_turns,
        max_tool_calls: s.max_tool_calls,
        max_context_len: s.max_context_len,
      },
      {
        model,
        tools: sandboxToolRunner({ sessionId: session.id, backend: s.sandbox, runId: run.id }),
        tokenizer,
        ...(s.reward_type !== "none"
          ? { reward: rewarder(s.reward_type, { ...(s.rm_url ? { rmUrl: s.rm_url } : {}), signal: live.controller.signal }) }
          : {}),
        signal: live.controller.signal,
        ...(resume ? { resume } : {}),
        notices,
      },
    );
    for await (const e of events) {
      push(live, e);
      run.record = applyEvent(run.record, e);
      // Deltas are many and small: persist on structural events, and at most every 2 s while streaming.
      if (e.type !== "delta" || Date.now() - lastSave > 2000) {
        lastSave = Date.now();
        await save(session);
      }
    }
  } catch (err) {
    console.error(`[chat] run ${run.id} failed`, err);
    const e: RolloutEvent = {
      type: "error",
      error: { code: "internal", message: "The rollout stopped on an internal error; the transcript so far is kept." },
    };
    push(live, e);
    run.record = applyEvent(run.record, e);
    if (run.record && !run.record.status) run.record = { ...run.record, status: "aborted" };
  } finally {
    run.state = "done";
    // Saved before streams end, so a reload right after "done" finds the finished run.
    await save(session).catch((e: unknown) => console.error(`[chat] saving session ${session.id} failed`, e));
    live.done = true;
    for (const l of live.listeners) l();
    // Late subscribers read the saved record; keep the buffer a little for streams that are catching up.
    setTimeout(() => state.live.delete(run.id), 60_000).unref();
  }
}

function push(live: LiveRun, e: RolloutEvent): void {
  live.events.push(e);
  for (const l of live.listeners) l();
}

/** Every event of a run, from the first, then live until it ends. Null when the run is not live. */
export function subscribeRun(runId: string, signal?: AbortSignal): AsyncIterable<RolloutEvent> | null {
  const live = state.live.get(runId);
  if (!live) return null;
  return {
    async *[Symbol.asyncIterator]() {
      let i = 0;
      for (;;) {
        while (i < live.events.length) yield live.events[i++]!;
        if (live.done || signal?.aborted) return;
        await new Promise<void>((resolve) => {
          const wake = () => {
            live.listeners.delete(wake);
            signal?.removeEventListener("abort", wake);
            resolve();
          };
          live.listeners.add(wake);
          signal?.addEventListener("abort", wake, { once: true });
        });
      }
    },
  };
}

/** Stops a run: the model request is aborted and the sandbox run killed. */
export function stopRun(runId: string): boolean {
  const live = state.live.get(runId);
  if (!live || live.done) return false;
  live.controller.abort();
  return true;
}

/** Tests: drop the in-memory copies so the next read comes from disk (as after a restart). */
export function forgetCachedSessionsForTests(): void {
  state.cache.clear();
}

export function isRunLive(runId: string): boolean {
  const live = state.live.get(runId);
  return Boolean(live && !live.done);
}
