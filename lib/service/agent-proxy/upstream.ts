import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { serverEnv } from "@/lib/env";
import type { Result } from "@/lib/result";
import { endpointUrl, malformed, postJson, type HttpTarget } from "@/lib/rollout/models/http";
import type { ModelError } from "@/lib/rollout/models/types";
import { type TemplateMessage, type TemplateTool } from "./messages";
import { pyJsonDumps } from "./py-json";

// The model behind the proxy. SGLang's /generate with input_ids and return_logprob, as slime's
// call_sglang_generate sends it: the token ids and logprobs it returns are what the model sampled,
// which is what makes the trajectory trainable. An OpenAI-compatible upstream (KIND=openai) is a
// pass-through for trying an agent: it sees messages, not our token ids, so the recorded tokens are
// a re-tokenization of its answer and there are no logprobs.

export interface Generation {
  output_ids: number[];
  output_log_probs: number[];
  finish_reason: string;
  /** OpenAI upstream only: the message it answered (the proxy does not parse it again). */
  message?: { content: string; reasoning: string; tool_calls: { name: string; arguments: string }[] };
}

/** slime's _sampling_params: its defaults, the body's cap on new tokens, temperature/top_p/top_k, stop. */
export function samplingParams(body: Record<string, unknown>, maxTokenKeys: readonly string[], stopKeys: readonly string[]): Record<string, unknown> {
  const sp: Record<string, unknown> = { skip_special_tokens: false, spaces_between_special_tokens: false, no_stop_trim: true, max_new_tokens: 4096 };
  for (const k of maxTokenKeys) {
    const v = body[k];
    if (v !== null && v !== undefined && Number.isFinite(Number(v))) {
      sp.max_new_tokens = Math.min(sp.max_new_tokens as number, Math.trunc(Number(v)));
      break;
    }
  }
  for (const k of ["temperature", "top_p", "top_k"]) if (k in body) sp[k] = body[k];
  for (const k of stopKeys) {
    if (body[k]) {
      sp.stop = body[k];
      break;
    }
  }
  return sp;
}

const sglangResponseSchema = z.object({
  meta_info: z
    .object({
      output_token_logprobs: z.array(z.tuple([z.number().nullable(), z.number().int()]).rest(z.unknown())).nullish(),
      finish_reason: z.union([z.object({ type: z.string().nullish() }).loose(), z.string()]).nullish(),
    })
    .loose(),
}).loose();

function target(url: string, signal: AbortSignal, apiKey?: string, headers?: Record<string, string>): HttpTarget {
  return { url, signal, timeoutMs: serverEnv().PLAYGROUND_AGENT_TIMEOUT_S * 1000, ...(apiKey ? { apiKey } : {}), ...(headers ? { headers } : {}) };
}

/**
 * slime's `X-SMG-Routing-Key: <sid>` (not for the "default" session): SGLang's model gateway routes
 * every request with one key to the same worker, so a session's turns hit the worker whose radix
 * cache holds its history and only the new tokens are prefilled.
 */
export function routingHeaders(sid: string | undefined): Record<string, string> | undefined {
  return sid && sid !== "default" ? { "X-SMG-Routing-Key": sid } : undefined;
}

export async function sglangGenerate(
  base: string,
  promptIds: number[],
  sampling: Record<string, unknown>,
  signal: AbortSignal,
  sid?: string,
): Promise<Result<Generation, ModelError>> {
  const rid = randomUUID().replaceAll("-", "");
  const t = target(endpointUrl(base, "/generate"), signal, undefined, routingHeaders(sid));
  const r = await postJson(t, { rid, input_ids: promptIds, sampling_params: sampling, return_logprob: true });
  if (!r.ok) {
    // Free the SGLang slot when the agent went away or we gave up, as slime does.
    if (r.error.code === "cancelled:user" || r.error.code === "timeout:model") {
      void fetch(endpointUrl(base, "/abort_request"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ rid }),
        signal: AbortSignal.timeout(5000),
      }).catch(() => {});
    }
    return r;
  }
  const parsed = sglangResponseSchema.safeParse(r.value);
  if (!parsed.success) return { ok: false, error: malformed(t, `not an SGLang /generate answer: ${parsed.error.issues[0]?.message ?? ""}`) };
  const lps = parsed.data.meta_info.output_token_logprobs ?? [];
  const fr = parsed.data.meta_info.finish_reason;
  const finish = (typeof fr === "string" ? fr : fr?.type) || "stop";
  return { ok: true, value: { output_ids: lps.map((x) => x[1]), output_log_probs: lps.map((x) => Number(x[0] ?? 0)), finish_reason: finish } };
}

const openaiResponseSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z
          .object({
            content: z.string().nullish(),
            reasoning_content: z.string().nullish(),
            tool_calls: z
              .array(z.object({ function: z.object({ name: z.string(), arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish() }) }).loose())
              .nullish(),
          })
          .loose(),
        finish_reason: z.string().nullish(),
      }).loose(),
    )
    .min(1),
}).loose();

/** Template messages back to OpenAI chat messages, with tool-call ids minted in order. */
function toOpenAiMessages(messages: readonly TemplateMessage[]): unknown[] {
  const pending: string[] = [];
  let n = 0;
  return messages.map((m) => {
    if (m.role === "assistant") {
      const calls = (m.tool_calls ?? []).map((c) => {
        const id = `call_${n++}`;
        pending.push(id);
        return { id, type: "function", function: { name: c.function.name, arguments: pyJsonDumps(c.function.arguments) } };
      });
      return { role: "assistant", content: m.content, ...(calls.length ? { tool_calls: calls } : {}) };
    }
    if (m.role === "tool") return { role: "tool", content: m.content, tool_call_id: pending.shift() ?? `call_${n++}` };
    return { role: m.role, content: m.content };
  });
}

export async function openaiChat(
  base: string,
  messages: readonly TemplateMessage[],
  tools: readonly TemplateTool[] | null,
  sampling: Record<string, unknown>,
  signal: AbortSignal,
  route: { sid?: string; kwargs?: Record<string, unknown> } = {},
): Promise<Result<Generation, ModelError>> {
  const env = serverEnv();
  const t = target(endpointUrl(base, "/v1/chat/completions"), signal, env.PLAYGROUND_AGENT_UPSTREAM_API_KEY, routingHeaders(route.sid));
  const body: Record<string, unknown> = {
    model: env.PLAYGROUND_AGENT_MODEL,
    messages: toOpenAiMessages(messages),
    max_tokens: sampling.max_new_tokens,
    ...(tools?.length ? { tools } : {}),
    // The server renders the template here, so it gets the kwargs (SGLang's and vLLM's extension).
    ...(route.kwargs && Object.keys(route.kwargs).length ? { chat_template_kwargs: route.kwargs } : {}),
  };
  for (const k of ["temperature", "top_p", "stop"]) if (sampling[k] !== undefined) body[k] = sampling[k];
  const r = await postJson(t, body);
  if (!r.ok) return r;
  const parsed = openaiResponseSchema.safeParse(r.value);
  if (!parsed.success) return { ok: false, error: malformed(t, `not a chat completion: ${parsed.error.issues[0]?.message ?? ""}`) };
  const choice = parsed.data.choices[0]!;
  const calls = (choice.message.tool_calls ?? []).map((c) => ({
    name: c.function.name,
    arguments: typeof c.function.arguments === "string" ? c.function.arguments : JSON.stringify(c.function.arguments ?? {}),
  }));
  return {
    ok: true,
    value: {
      output_ids: [],
      output_log_probs: [],
      finish_reason: choice.finish_reason === "length" ? "length" : "stop",
      message: { content: choice.message.content ?? "", reasoning: choice.message.reasoning_content ?? "", tool_calls: calls },
    },
  };
}
