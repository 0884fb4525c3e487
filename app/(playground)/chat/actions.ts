"use server";

import type { z } from "zod";
import { serverEnv } from "@/lib/env";
import { appError, zodIssuesMessage } from "@/lib/errors";
import { err, ok } from "@/lib/result";
import { apiKeyState, sessionApiKey, setSessionApiKey } from "@/lib/rollout/api-keys";
import type { ApiKeyState } from "@/lib/rollout/chat-session-schema";
import { createSessionFromHandoff, getChatSession, saveChatSettings } from "@/lib/rollout/chat-session-store";
import { listModels } from "@/lib/rollout/models/openai";
import type { ModelInfo } from "@/lib/rollout/models/types";
import { renderModelChatTemplate } from "@/lib/rollout/model-template";
import { configuredTokenizer } from "@/lib/rollout/tokens";
import {
  handoffSchema,
  type HandoffInput,
  listModelsSchema,
  saveSettingsSchema,
  setApiKeySchema,
  tokenViewSchema,
  type ActionResult,
  type ListModelsInput,
  type PromptTemplates,
  type SaveSettingsInput,
  type SetApiKeyInput,
  type TokenView,
  type TokenViewInput,
} from "./schema";

// Non-streaming Chat operations. Rollouts stream through /api/rollouts (server
// actions are queued by Next, so streaming and Stop must not depend on them).

const bad = (e: z.ZodError) => err(appError("bad_request:input", zodIssuesMessage(e.issues)));
const noSession = () => err(appError("not_found:session", "This chat session does not exist."));

export async function saveSettings(input: SaveSettingsInput): Promise<ActionResult<null>> {
  const p = saveSettingsSchema.safeParse(input);
  if (!p.success) return bad(p.error);
  const s = await saveChatSettings(p.data.session_id, p.data.settings);
  return s ? ok(null) : noSession();
}

/** Keeps the key in server memory for this session; the browser only learns whether one is set. */
export async function setApiKey(input: SetApiKeyInput): Promise<ActionResult<ApiKeyState>> {
  const p = setApiKeySchema.safeParse(input);
  if (!p.success) return bad(p.error);
  setSessionApiKey(p.data.session_id, p.data.api_key);
  return ok(apiKeyState(p.data.session_id));
}

export async function fetchModels(input: ListModelsInput): Promise<ActionResult<ModelInfo[]>> {
  const p = listModelsSchema.safeParse(input);
  if (!p.success) return bad(p.error);
  const url = p.data.endpoint.url || serverEnv().PLAYGROUND_MODEL_URL;
  if (!url) return err(appError("bad_request:endpoint", "Enter the endpoint URL first.", "endpoint.url"));
  const r = await listModels({ url, apiKey: sessionApiKey(p.data.session_id), timeoutMs: Math.min(p.data.endpoint.timeout_s, 15) * 1000 });
  return r.ok ? r : err(appError("unavailable:model", r.error.message));
}

// Shared by tokenView and promptTemplates; not exported ("use server" exports only async actions).
async function runWithTokenizer(input: TokenViewInput) {
  const p = tokenViewSchema.safeParse(input);
  if (!p.success) return bad(p.error);
  const session = await getChatSession(p.data.session_id);
  const run = session?.runs.find((r) => r.id === p.data.run_id);
  const rec = run?.record;
  if (!run || !rec) return err(appError("not_found:run", "No such run."));
  const { tokenizer } = await configuredTokenizer(run.settings.tokenizer_dir);
  return ok({ run, rec, tokenizer });
}

/** Tokens of a run, coloured by loss mask; decoded with the run's tokenizer when there is one. */
export async function tokenView(input: TokenViewInput): Promise<ActionResult<TokenView>> {
  const r = await runWithTokenizer(input);
  if (!r.ok) return r;
  const { rec, tokenizer } = r.value;
  const exact = rec.token_counts === "exact" && Boolean(tokenizer.pieces);
  // Exact: every id with its mask, decoded in one pass so a character split across tokens (or
  // across a turn boundary) is cut by offsets. Otherwise: spans of text.
  const spans: { ids?: number[]; text: string; mask: 0 | 1 | null; logprobs?: number[] }[] = [
    { ...(rec.prompt_token_ids ? { ids: rec.prompt_token_ids } : {}), text: rec.prompt_text, mask: null },
  ];
  for (const t of rec.turns) {
    if (t.finish_reason === "abort" && !t.text) continue;
    spans.push({ ...(t.token_ids ? { ids: t.token_ids } : {}), text: t.text, mask: 1, ...(t.logprobs ? { logprobs: t.logprobs } : {}) });
    if (t.observation) spans.push({ ...(t.observation.token_ids ? { ids: t.observation.token_ids } : {}), text: t.observation.text, mask: 0 });
  }
  const tokens: TokenView["tokens"] = [];
  if (exact && spans.every((s) => s.ids)) {
    const ids = spans.flatMap((s) => s.ids!);
    const texts = tokenizer.pieces!(ids);
    let at = 0;
    for (const s of spans)
      s.ids!.forEach((id, i) => {
        const lp = s.logprobs?.[i];
        tokens.push({ text: texts[at++]!, mask: s.mask, id, ...(lp !== undefined ? { logprob: lp } : {}) });
      });
  } else for (const s of spans) tokens.push({ text: s.text, mask: s.mask });
  const isExact = exact && tokens.some((t) => t.id !== undefined);
  return ok({ exact: isExact, source: isExact ? tokenizer.source : "no tokenizer: text spans instead of tokens", tokens, prompt_count: rec.prompt_token_count });
}

/** The run's prompt two ways: slime's ReTool template (what the recipe trains on) and the model's own chat template. */
export async function promptTemplates(input: TokenViewInput): Promise<ActionResult<PromptTemplates>> {
  const found = await runWithTokenizer(input);
  if (!found.ok) return found;
  const { run, rec, tokenizer } = found.value;
  const retool = { label: "slime ReTool template (what the recipe trains on)", text: rec.prompt_text, token_count: rec.prompt_token_count };
  if (!tokenizer.chatTemplate)
    return ok({ retool, model: { label: `Model chat template`, error: `${tokenizer.source} has no chat_template.` } });
  const r = renderModelChatTemplate(tokenizer.chatTemplate, { prompt: run.settings.prompt, system: run.settings.system });
  const label = `Model chat template (${tokenizer.source}, tokenizer_config.json)`;
  return ok({ retool, model: r.ok ? { label, text: r.value, token_count: tokenizer.count(r.value) } : { label, error: r.error.message } });
}

export async function refreshSession(sessionId: string) {
  const s = await getChatSession(sessionId);
  return s ? ok(s) : noSession();
}

/** Creates a session from a hand-off (Inspect) and returns its id. */
export async function openHandoff(input: HandoffInput): Promise<ActionResult<string>> {
  const p = handoffSchema.safeParse(input);
  if (!p.success) return bad(p.error);
  const s = await createSessionFromHandoff(p.data);
  return ok(s.id);
}
