"use server";

import { serverEnv } from "@/lib/env";
import { apiKeyState, sessionApiKey, setSessionApiKey } from "@/lib/rollout/api-keys";
import type { ApiKeyState } from "@/lib/rollout/chat-session-schema";
import { createSessionFromHandoff, getChatSession, saveChatSettings } from "@/lib/rollout/chat-session-store";
import { listModels } from "@/lib/rollout/models/openai";
import type { ModelInfo } from "@/lib/rollout/models/types";
import { resolveTokenizer } from "@/lib/rollout/tokens";
import {
  handoffSchema,
  type HandoffInput,
  listModelsSchema,
  saveSettingsSchema,
  setApiKeySchema,
  tokenViewSchema,
  type ActionResult,
  type ListModelsInput,
  type SaveSettingsInput,
  type SetApiKeyInput,
  type TokenView,
  type TokenViewInput,
} from "./schema";

// Non-streaming Chat operations. Rollouts stream through /api/rollouts (server
// actions are queued by Next, so streaming and Stop must not depend on them).

const bad = (e: { issues: { message: string }[] }) => ({ ok: false as const, error: e.issues.map((i) => i.message).join("; ") });

export async function saveSettings(input: SaveSettingsInput): Promise<ActionResult<null>> {
  const p = saveSettingsSchema.safeParse(input);
  if (!p.success) return bad(p.error);
  const s = await saveChatSettings(p.data.session_id, p.data.settings);
  return s ? { ok: true, value: null } : { ok: false, error: "This chat session does not exist." };
}

/** Keeps the key in server memory for this session; the browser only learns whether one is set. */
export async function setApiKey(input: SetApiKeyInput): Promise<ActionResult<ApiKeyState>> {
  const p = setApiKeySchema.safeParse(input);
  if (!p.success) return bad(p.error);
  setSessionApiKey(p.data.session_id, p.data.api_key);
  return { ok: true, value: apiKeyState(p.data.session_id) };
}

export async function fetchModels(input: ListModelsInput): Promise<ActionResult<ModelInfo[]>> {
  const p = listModelsSchema.safeParse(input);
  if (!p.success) return bad(p.error);
  const url = p.data.endpoint.url || serverEnv().PLAYGROUND_MODEL_URL;
  if (!url) return { ok: false, error: "Enter the endpoint URL first." };
  const r = await listModels({ url, apiKey: sessionApiKey(p.data.session_id), timeoutMs: Math.min(p.data.endpoint.timeout_s, 15) * 1000 });
  return r.ok ? { ok: true, value: r.value } : { ok: false, error: r.error.message };
}

/** Tokens of a run, coloured by loss mask; decoded with the run's tokenizer when there is one. */
export async function tokenView(input: TokenViewInput): Promise<ActionResult<TokenView>> {
  const p = tokenViewSchema.safeParse(input);
  if (!p.success) return bad(p.error);
  const session = await getChatSession(p.data.session_id);
  const run = session?.runs.find((r) => r.id === p.data.run_id);
  const rec = run?.record;
  if (!run || !rec) return { ok: false, error: "No such run." };
  const { tokenizer } = await resolveTokenizer(run.settings.tokenizer_dir || serverEnv().PLAYGROUND_TOKENIZER_DIR);
  const tokens: TokenView["tokens"] = [];
  const exact = rec.token_counts === "exact" && Boolean(tokenizer.pieces);
  const pushIds = (ids: number[], mask: 0 | 1 | null, logprobs?: number[]) =>
    tokenizer.pieces!(ids).forEach((text, i) => tokens.push({ text, mask, ...(logprobs?.[i] !== undefined ? { logprob: logprobs[i] } : {}) }));
  if (exact && rec.prompt_token_ids) pushIds(rec.prompt_token_ids, null);
  else tokens.push({ text: rec.prompt_text, mask: null });
  for (const t of rec.turns) {
    if (t.finish_reason === "abort" && !t.text) continue;
    if (exact && t.token_ids) pushIds(t.token_ids, 1, t.logprobs);
    else tokens.push({ text: t.text, mask: 1 });
    if (t.observation) {
      if (exact && t.observation.token_ids) pushIds(t.observation.token_ids, 0);
      else tokens.push({ text: t.observation.text, mask: 0 });
    }
  }
  return {
    ok: true,
    value: { exact, source: exact ? tokenizer.source : "no tokenizer: text spans instead of tokens", tokens, prompt_count: rec.prompt_token_count },
  };
}

export async function refreshSession(sessionId: string) {
  const s = await getChatSession(sessionId);
  return s ? { ok: true as const, value: s } : { ok: false as const, error: "This chat session does not exist." };
}

/** Creates a session from a hand-off (Inspect) and returns its id. */
export async function openHandoff(input: HandoffInput): Promise<ActionResult<string>> {
  const p = handoffSchema.safeParse(input);
  if (!p.success) return bad(p.error);
  const s = await createSessionFromHandoff(p.data);
  return { ok: true, value: s.id };
}
