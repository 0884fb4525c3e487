import "server-only";
import { z } from "zod";
import { openAiWire } from "@/lib/service/agent-proxy/openai";
import { runAgentTurn } from "@/lib/service/agent-proxy/turn";
import { statusOf } from "@/lib/service/core/errors";
import { stoppedByUser, type ChatMessage, type ChatModel, type ChatOutput, type ModelError, type ModelResult } from "./types";

// Chat driving the agent proxy: each model call is one OpenAI Chat Completions turn through the
// proxy's own pipeline (runAgentTurn: the chat template, SGLang /generate with the token ids,
// parsing, recording into the session's trajectory), in process, with the session id as the key.
// So a person tries an agent turn by turn in Chat and sees on /agents what slime would train.

const replySchema = z.object({
  choices: z
    .array(
      z.object({
        message: z
          .object({
            content: z.string().nullish(),
            tool_calls: z.array(z.object({ id: z.string(), function: z.object({ name: z.string(), arguments: z.string() }) })).nullish(),
          })
          .loose(),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.object({ completion_tokens: z.number() }).loose().nullish(),
});

/** Chat's history as the OpenAI messages an agent would send (tool calls as function calls). */
function wireMessages(messages: readonly ChatMessage[]): unknown[] {
  return messages.map((m) => {
    if (m.role === "assistant") {
      const calls = (m.tool_calls ?? []).map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } }));
      return { role: "assistant", content: calls.length && !m.content ? null : m.content, ...(calls.length ? { tool_calls: calls } : {}) };
    }
    if (m.role === "tool") return { role: "tool", tool_call_id: m.tool_call_id, content: m.content };
    return { role: m.role, content: m.content };
  });
}

export function createAgentProxyModel(opts: { sid: string; upstream?: string; timeoutMs: number }): ChatModel {
  return {
    mode: "chat",
    kind: "agent-proxy",
    agentSession: opts.sid,
    async chat(req): Promise<ModelResult<ChatOutput>> {
      if (req.signal.aborted) return { ok: false, error: stoppedByUser };
      const signal = AbortSignal.any([req.signal, AbortSignal.timeout(opts.timeoutMs)]);
      const body: Record<string, unknown> = {
        model: "agent-proxy",
        messages: wireMessages(req.messages),
        ...(req.tools.length ? { tools: req.tools } : {}),
        max_tokens: req.sampling.max_new_tokens,
        temperature: req.sampling.temperature,
        top_p: req.sampling.top_p,
        ...(req.sampling.top_k > 0 ? { top_k: req.sampling.top_k } : {}),
        ...(req.sampling.stop.length ? { stop: req.sampling.stop } : {}),
      };
      // The same request an agent sends to /agent/v1/chat/completions with the session as its key.
      const request = new Request("http://playground.internal/agent/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${opts.sid}`, "content-type": "application/json", "user-agent": "rollout-playground-chat" },
      });
      const r = await runAgentTurn(openAiWire, body, { request, url: new URL(request.url), params: {}, signal }, opts.upstream ? { upstream: opts.upstream } : {});
      if (req.signal.aborted) return { ok: false, error: stoppedByUser };
      if (!r.ok) {
        const status = statusOf(r.error);
        const code: ModelError["code"] = status === 504 ? "timeout:model" : status === 503 ? "unavailable:model" : status >= 500 ? "bad_gateway:model" : "bad_request:model";
        return { ok: false, error: { code, message: `The agent proxy refused the turn: ${r.error.message}`, detail: r.error.code } };
      }
      if (!("body" in r.value)) return { ok: false, error: { code: "bad_gateway:model", message: "The agent proxy answered a stream to a non-streaming turn." } };
      const parsed = replySchema.safeParse(r.value.body);
      if (!parsed.success) return { ok: false, error: { code: "bad_gateway:model", message: "The agent proxy's answer is not a chat completion.", detail: parsed.error.issues[0]?.message ?? "" } };
      const choice = parsed.data.choices[0]!;
      const calls = (choice.message.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }));
      return {
        ok: true,
        value: {
          content: choice.message.content ?? "",
          tool_calls: calls,
          finish_reason: choice.finish_reason === "length" ? "length" : "stop",
          ...(parsed.data.usage ? { completion_tokens: parsed.data.usage.completion_tokens } : {}),
        },
      };
    },
  };
}
