import "server-only";
import { serverEnv } from "@/lib/env";
import { httpStatus } from "@/lib/errors";
import { readJsonBody } from "@/lib/service/core/body";
import { anthropicWire } from "./anthropic";
import { isRecord } from "./messages";
import { promptEncoder } from "./prompt";

// The proxy's small endpoints: Anthropic's count_tokens and the model list.

export async function countTokens(req: Request): Promise<Response> {
  const fail = (status: number, message: string) => Response.json(anthropicWire.errorBody({ kind: "invalid_request", status, message }), { status });
  const read = await readJsonBody(req);
  if (!read.ok) return fail(httpStatus(read.error.code), read.error.message);
  if (!isRecord(read.value)) return fail(400, "The request body must be a JSON object.");
  const body = read.value;
  anthropicWire.preprocess(body);
  const tr = anthropicWire.translate(body);
  if ("kind" in tr) return fail(tr.status, tr.message);
  if (!tr.messages.length) return Response.json({ input_tokens: 0 });
  const enc = await promptEncoder();
  if (!enc.ok) return Response.json(anthropicWire.errorBody({ kind: "unavailable", status: 503, message: enc.error.message }), { status: 503 });
  const text = enc.value.render(tr.messages, tr.tools, true);
  if (!text.ok) return fail(400, text.error.message);
  return Response.json({ input_tokens: enc.value.encode(text.value).length });
}

export function modelsList(): unknown {
  const id = serverEnv().PLAYGROUND_AGENT_MODEL;
  const created = 0;
  const entry = { id, object: "model", created, owned_by: "rollout-playground", type: "model", display_name: id, created_at: new Date(created).toISOString() };
  return { object: "list", data: [entry], has_more: false, first_id: id, last_id: id };
}
