import "server-only";
import { z } from "zod";
import { endpointUrl, getJson, malformed, postSse, type HttpResult, type HttpTarget } from "./http";
import type {
  ChatMessage,
  ChatModel,
  ChatOutput,
  ChatRequest,
  ChatToolCall,
  CompletionOutput,
  CompletionRequest,
  FinishReason,
  ModelInfo,
  ModelResult,
  SamplingParams,
  TextModel,
} from "./types";

// OpenAI-compatible servers (SGLang, vLLM, OpenAI, Ollama). Both endpoints stream (SSE).

export interface OpenAiOptions {
  url: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
}

const finishSchema = z.string().nullable().optional();

export const completionChunkSchema = z.object({
  choices: z.array(
    z
      .object({
        text: z.string().default(""),
        finish_reason: finishSchema,
        logprobs: z
          .object({ token_logprobs: z.array(z.number().nullable()).optional() })
          .loose()
          .nullable()
          .optional(),
      })
      .loose(),
  ),
  usage: z.object({ completion_tokens: z.number().int().optional() }).loose().nullable().optional(),
});

export const chatChunkSchema = z.object({
  choices: z.array(
    z
      .object({
        delta: z
          .object({
            content: z.string().nullable().optional(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number().int().nonnegative(),
                  id: z.string().optional(),
                  function: z
                    .object({ name: z.string().optional(), arguments: z.string().optional() })
                    .optional(),
                }),
              )
              .optional(),
          })
          .loose()
          .default({}),
        finish_reason: finishSchema,
      })
      .loose(),
  ),
  usage: z.object({ completion_tokens: z.number().int().optional() }).loose().nullable().optional(),
});

export const modelListSchema = z.object({
  data: z.array(z.object({ id: z.string(), owned_by: z.string().optional() }).loose()),
});

function mapFinish(reason: string | null | undefined): FinishReason | undefined {
  if (reason === null || reason === undefined) return undefined;
  if (reason === "length") return "length";
  if (reason === "abort") return "abort";
  return "stop"; // stop, tool_calls, eos, content_filter, …
}

function samplingBody(s: SamplingParams): Record<string, unknown> {
  return {
    temperature: s.temperature,
    top_p: s.top_p,
    ...(s.top_k > 0 ? { top_k: s.top_k } : {}),
    max_tokens: s.max_new_tokens,
    ...(s.stop.length > 0 ? { stop: s.stop } : {}),
  };
}

function target(opts: OpenAiOptions, path: string, signal: AbortSignal): HttpTarget {
  return { url: endpointUrl(opts.url, path), apiKey: opts.apiKey, timeoutMs: opts.timeoutMs, signal };
}

export function createOpenAiCompletionsModel(opts: OpenAiOptions): TextModel {
  return {
    mode: "text",
    kind: "openai-completions",
    async complete(req: CompletionRequest): Promise<ModelResult<CompletionOutput>> {
      const t = target(opts, "/v1/completions", req.signal);
      let text = "";
      const logprobs: number[] = [];
      let logprobsComplete = true;
      let finish: FinishReason | undefined;
      let completionTokens: number | undefined;
      const res = await postSse(
        t,
        {
          model: opts.model,
          prompt: req.text,
          ...samplingBody(req.sampling),
          // vLLM/SGLang extras: keep special tokens in the text, as slime does.
          skip_special_tokens: false,
          logprobs: 1,
          stream: true,
          stream_options: { include_usage: true },
        },
        (value) => {
          const chunk = completionChunkSchema.safeParse(value);
          if (!chunk.success) return malformed(t, z.prettifyError(chunk.error));
          for (const c of chunk.data.choices) {
            if (c.text) {
              text += c.text;
              req.onDelta?.(c.text);
            }
            const lp = c.logprobs?.token_logprobs;
            if (lp) for (const x of lp) x === null ? (logprobsComplete = false) : logprobs.push(x);
            else if (c.text) logprobsComplete = false;
            finish = mapFinish(c.finish_reason) ?? finish;
          }
          if (chunk.data.usage?.completion_tokens !== undefined) completionTokens = chunk.data.usage.completion_tokens;
        },
      );
      if (!res.ok) return { ...res, partial: text };
      return {
        ok: true,
        value: {
          text,
          finish_reason: finish ?? "stop",
          ...(logprobsComplete && logprobs.length > 0 ? { logprobs } : {}),
          ...(completionTokens !== undefined ? { completion_tokens: completionTokens } : {}),
        },
      };
    },
  };
}

function toWireMessage(m: ChatMessage): Record<string, unknown> {
  if (m.role === "assistant")
    return {
      role: "assistant",
      content: m.content,
      ...(m.tool_calls && m.tool_calls.length > 0
        ? {
            tool_calls: m.tool_calls.map((c) => ({
              id: c.id,
              type: "function",
              function: { name: c.name, arguments: c.arguments },
            })),
          }
        : {}),
    };
  return { ...m };
}

export function createOpenAiChatModel(opts: OpenAiOptions): ChatModel {
  return {
    mode: "chat",
    kind: "openai-chat",
    async chat(req: ChatRequest): Promise<ModelResult<ChatOutput>> {
      const t = target(opts, "/v1/chat/completions", req.signal);
      let content = "";
      const calls = new Map<number, { id: string; name: string; arguments: string }>();
      let finish: FinishReason | undefined;
      let completionTokens: number | undefined;
      const res = await postSse(
        t,
        {
          model: opts.model,
          messages: req.messages.map(toWireMessage),
          ...(req.tools.length > 0 ? { tools: req.tools } : {}),
          ...samplingBody(req.sampling),
          stream: true,
          stream_options: { include_usage: true },
        },
        (value) => {
          const chunk = chatChunkSchema.safeParse(value);
          if (!chunk.success) return malformed(t, z.prettifyError(chunk.error));
          for (const c of chunk.data.choices) {
            if (c.delta.content) {
              content += c.delta.content;
              req.onDelta?.(c.delta.content);
            }
            for (const tc of c.delta.tool_calls ?? []) {
              const cur = calls.get(tc.index) ?? { id: "", name: "", arguments: "" };
              if (tc.id) cur.id = tc.id;
              if (tc.function?.name) cur.name += tc.function.name;
              if (tc.function?.arguments) cur.arguments += tc.function.arguments;
              calls.set(tc.index, cur);
            }
            finish = mapFinish(c.finish_reason) ?? finish;
          }
          if (chunk.data.usage?.completion_tokens !== undefined) completionTokens = chunk.data.usage.completion_tokens;
        },
      );
      if (!res.ok) return { ...res, partial: content };
      const tool_calls: ChatToolCall[] = [...calls.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([i, c]) => ({ id: c.id || `call_${req.turn}_${i}`, name: c.name, arguments: c.arguments }));
      return {
        ok: true,
        value: {
          content,
          tool_calls,
          finish_reason: finish ?? "stop",
          ...(completionTokens !== undefined ? { completion_tokens: completionTokens } : {}),
        },
      };
    },
  };
}

/** GET /v1/models. */
export async function listModels(
  opts: { url: string; apiKey?: string; timeoutMs: number },
  signal: AbortSignal = new AbortController().signal,
): Promise<HttpResult<ModelInfo[]>> {
  const t: HttpTarget = { url: endpointUrl(opts.url, "/v1/models"), apiKey: opts.apiKey, timeoutMs: opts.timeoutMs, signal };
  const res = await getJson(t);
  if (!res.ok) return res;
  const parsed = modelListSchema.safeParse(res.value);
  if (!parsed.success) return { ok: false, error: malformed(t, z.prettifyError(parsed.error)) };
  return {
    ok: true,
    value: parsed.data.data.map((m) => ({ id: m.id, ...(m.owned_by ? { owned_by: m.owned_by } : {}) })),
  };
}
