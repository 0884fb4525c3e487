import "server-only";
import { serverEnv } from "@/lib/env";
import { err, ok } from "@/lib/result";
import { readJsonBody } from "@/lib/service/core/body";
import type { ServiceError } from "@/lib/service/core/errors";
import type { Reply } from "@/lib/service/core/route";
import type { Result } from "@/lib/result";
import { anthropicWire } from "./anthropic";
import { isRecord, templateKwargsOf } from "./messages";
import { promptEncoder } from "./prompt";

// The proxy's small endpoints: Anthropic's count_tokens and the model list.

export async function parseObjectBody(request: Request): Promise<Result<Record<string, unknown>, ServiceError>> {
  const body = await readJsonBody(request);
  if (!body.ok) return body;
  if (!isRecord(body.value)) return err({ code: "bad_request:body", message: "The request body must be a JSON object." });
  return ok(body.value);
}

/** The exact prompt length of the history as the proxy would render it (slime answers 0). */
export async function countTokens(body: Record<string, unknown>): Promise<Result<Reply<{ input_tokens: number }>, ServiceError>> {
  anthropicWire.preprocess(body);
  const tr = anthropicWire.translate(body);
  if ("code" in tr) return err(tr);
  if (!tr.messages.length) return ok({ body: { input_tokens: 0 } });
  const enc = await promptEncoder();
  if (!enc.ok) return err({ code: "unavailable:tokenizer", message: enc.error.message });
  const text = enc.value.render(tr.messages, tr.tools, true, templateKwargsOf(body));
  if (!text.ok) return err({ code: "bad_request:chat_template", message: text.error.message });
  return ok({ body: { input_tokens: enc.value.encode(text.value).length } });
}

export function modelsList(): unknown {
  const id = serverEnv().PLAYGROUND_AGENT_MODEL;
  const created = 0;
  const entry = { id, object: "model", created, owned_by: "rollout-playground", type: "model", display_name: id, created_at: new Date(created).toISOString() };
  return { object: "list", data: [entry], has_more: false, first_id: id, last_id: id };
}
