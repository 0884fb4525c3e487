import "server-only";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { serverEnv } from "@/lib/env";
import { globalStore } from "@/lib/global-store";
import { chatSessionIdSchema, chatSessionSchema, RECORDED_REPLAY, type ChatSession } from "./chat-session-schema";
import { hasLiveRun } from "./live-runs";
import { splitAssistantTurns } from "./codec";
import { DEFAULT_TOOLS, formatConversationWithTools } from "./template";
import { defaultChatSettings, type ChatSettings } from "./settings";

// Chat sessions on disk: one JSON file per session (settings + every run), so a reload or a restart
// keeps them. Saves of one session are queued so they never interleave.

const store = globalStore("chat-session-store", () => ({
  /** Per-session write queue. */
  writes: new Map<string, Promise<void>>(),
  cache: new Map<string, ChatSession>(),
}));

export const newChatId = () => randomBytes(8).toString("hex");
export const now = () => new Date().toISOString();

function dir(): string {
  return path.resolve(serverEnv().PLAYGROUND_STATE_DIR, "chat-sessions");
}
function file(id: string): string {
  return path.join(dir(), `${chatSessionIdSchema.parse(id)}.json`);
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

export async function saveChatSession(session: ChatSession): Promise<void> {
  session.updated_at = now();
  store.cache.set(session.id, session);
  const text = JSON.stringify(session);
  const prev = store.writes.get(session.id) ?? Promise.resolve();
  const next = prev
    .catch(() => {})
    .then(async () => {
      await mkdir(dir(), { recursive: true });
      const tmp = `${file(session.id)}.${process.pid}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, file(session.id));
    });
  store.writes.set(session.id, next);
  await next;
}

export async function createChatSession(
  settings: ChatSettings = initialSettings(),
  replay?: ChatSession["replay"],
): Promise<ChatSession> {
  const t = now();
  const session: ChatSession = { id: newChatId(), created_at: t, updated_at: t, settings, runs: [], ...(replay ? { replay } : {}) };
  await saveChatSession(session);
  return session;
}

export interface Handoff {
  prompt: string;
  label?: string | null;
  system?: string | null;
  /** Recorded assistant text (turns and observations), replayed with its code run live. */
  assistant?: string | null;
  /** The recorded prompt as templated text (see ChatSettings.prompt_text). */
  prompt_text?: string | null;
  /** The turn picked in Inspect (0-based). */
  turn?: number | null;
  source?: string;
}

/** A session opened from elsewhere (Inspect's "Open in Chat", a shipped sample). */
export async function createSessionFromHandoff(h: Handoff): Promise<ChatSession> {
  const base = initialSettings();
  const settings: ChatSettings = { ...base, prompt: h.prompt, label: h.label ?? "", system: h.system ?? "" };
  // A recorded, templated prompt: when slime's template renders Problem and System back to the very
  // same text, the fields are enough (and stay editable); otherwise Chat starts from the text itself.
  if (h.prompt_text && formatRetoolPromptWith(h.prompt, h.system) !== h.prompt_text) settings.prompt_text = h.prompt_text;
  const turns = h.assistant ? splitAssistantTurns(h.assistant).filter((t) => t !== "") : [];
  if (turns.length === 0) return createChatSession(settings);
  const from = h.turn === undefined || h.turn === null ? undefined : Math.min(h.turn, turns.length - 1);
  return createChatSession(
    { ...settings, endpoint: { ...settings.endpoint, kind: "replay", replay_sample: RECORDED_REPLAY } },
    { name: h.source ?? "recorded trajectory", turns, ...(from !== undefined ? { from_turn: from } : {}) },
  );
}

function formatRetoolPromptWith(prompt: string, system: string | null | undefined): string {
  return formatConversationWithTools({ prompt, system: system ?? "", tools: DEFAULT_TOOLS });
}

export async function getChatSession(id: string): Promise<ChatSession | null> {
  if (!chatSessionIdSchema.safeParse(id).success) return null;
  const cached = store.cache.get(id);
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
    if (run.state === "running" && !hasLiveRun(run.id)) {
      run.state = "done";
      if (run.record && !run.record.status)
        run.record = {
          ...run.record,
          status: "aborted",
          error: { code: "internal:rollout", message: "The server restarted while this run was in progress." },
        };
    }
  store.cache.set(id, session);
  return session;
}

export async function saveChatSettings(id: string, settings: ChatSettings): Promise<ChatSession | null> {
  const session = await getChatSession(id);
  if (!session) return null;
  session.settings = settings;
  await saveChatSession(session);
  return session;
}

/** Tests: drop the in-memory copies so the next read comes from disk (as after a restart). */
export function forgetCachedSessionsForTests(): void {
  store.cache.clear();
}
