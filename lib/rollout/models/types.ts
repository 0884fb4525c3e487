// Model backend shapes. Isomorphic: the client imports the schemas and types
// (never an API key: keys live only in server memory and env).
import type { AppErrorData } from "@/lib/errors";
import type { Err, Ok } from "@/lib/result";
import { z } from "zod";

export const modelBackendKinds = ["replay", "sglang", "openai-completions", "openai-chat", "agent-proxy"] as const;
export const modelBackendKindSchema = z.enum(modelBackendKinds);
export type ModelBackendKind = z.infer<typeof modelBackendKindSchema>;

/** How close a backend is to what the trainer does. */
export const backendFidelity: Record<ModelBackendKind, "exact" | "replay" | "approximate" | "agent"> = {
  replay: "replay",
  sglang: "exact",
  "openai-completions": "exact",
  // Chat templates and tool parsing happen in the server, not in slime's template.
  "openai-chat": "approximate",
  // Trained as the agent proxy's session (slime's agent Samples), not as a ReTool sample.
  "agent-proxy": "agent",
};

export const backendLabels: Record<ModelBackendKind, string> = {
  replay: "Replay (recorded trajectory, code runs live)",
  sglang: "SGLang native /generate",
  "openai-completions": "OpenAI-compatible /v1/completions (exact prompt)",
  "openai-chat": "OpenAI-compatible /v1/chat/completions (tools, approximate)",
  "agent-proxy": "Agent proxy (sandbox tools, recorded as an agent session)",
};

/** slime's sampling params (what it forwards to SGLang). */
export const samplingParamsSchema = z.object({
  temperature: z.number().min(0).max(10).default(1),
  top_p: z.number().gt(0).max(1).default(1),
  /** -1 disables top-k, as in SGLang. */
  top_k: z.number().int().min(-1).default(-1),
  max_new_tokens: z.number().int().positive().max(1_000_000).default(1024),
  stop: z.array(z.string()).default([]),
});
export type SamplingParams = z.infer<typeof samplingParamsSchema>;
export type SamplingParamsInput = z.input<typeof samplingParamsSchema>;

/** Endpoint settings the UI may see and edit (no key). */
export const modelEndpointSchema = z.object({
  kind: modelBackendKindSchema.default("replay"),
  /** Base URL, e.g. http://127.0.0.1:30000 (SGLang) or http://host:8000/v1 is accepted too. */
  url: z.string().trim().max(2000).default(""),
  model: z.string().trim().max(500).default(""),
  /** Seconds for one model request before it counts as too slow. */
  timeout_s: z.number().positive().max(3600).default(120),
  /** Replay: which shipped sample (by id) to replay. */
  replay_sample: z.string().max(200).optional(),
});
export type ModelEndpoint = z.infer<typeof modelEndpointSchema>;
export type ModelEndpointInput = z.input<typeof modelEndpointSchema>;

/**
 * A model call's failure: an ordinary error code (`bad_request:model` for the endpoint settings,
 * `unavailable:model`, `timeout:model`, `bad_gateway:model` for an error status or an unreadable
 * answer, `not_found:replay_turn`, `cancelled:user`) and a sentence for a person, with what to do next.
 */
export interface ModelError extends AppErrorData {
  /** Internal detail (status code, parser message); safe to show, never a server stack. */
  detail?: string;
}

/** The user (or the caller's signal) stopped the call. */
export const stoppedByUser: ModelError = { code: "cancelled:user", message: "Stopped." };

export type FinishReason = "stop" | "length" | "abort";

/** A model call's outcome: a failure is data (a typed ModelError), with the text received before it. */
export type ModelResult<T> = Ok<T> | (Err<ModelError> & { /** Text received before the failure. */ partial?: string });

/** Text continuation of the exact rendered prompt (+ response so far). */
export interface CompletionRequest {
  turn: number;
  text: string;
  /** Token ids of `text` when a tokenizer is loaded (slime sends input_ids). */
  input_ids?: number[];
  sampling: SamplingParams;
  signal: AbortSignal;
  onDelta?: (delta: string) => void;
}

export interface CompletionOutput {
  text: string;
  finish_reason: FinishReason;
  /** Generated token ids, when the server returns them (SGLang output_token_logprobs). */
  token_ids?: number[];
  logprobs?: number[];
  /** Token counts the server reported. */
  completion_tokens?: number;
}

/** An OpenAI-style function tool spec (JSON object). */
export type ToolSpec = Record<string, unknown>;

export interface ChatToolCall {
  id: string;
  name: string;
  /** JSON text of the arguments, as the server sent it. */
  arguments: string;
}

export type ChatMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string; tool_calls?: ChatToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

export interface ChatRequest {
  turn: number;
  messages: ChatMessage[];
  tools: ToolSpec[];
  sampling: SamplingParams;
  signal: AbortSignal;
  onDelta?: (delta: string) => void;
}

export interface ChatOutput {
  content: string;
  tool_calls: ChatToolCall[];
  finish_reason: FinishReason;
  completion_tokens?: number;
}

export interface TextModel {
  readonly mode: "text";
  readonly kind: Exclude<ModelBackendKind, "openai-chat" | "agent-proxy">;
  complete(req: CompletionRequest): Promise<ModelResult<CompletionOutput>>;
}

export interface ChatModel {
  readonly mode: "chat";
  readonly kind: "openai-chat" | "agent-proxy";
  /** agent-proxy: the agent session every turn is recorded in (shown on /agents). */
  readonly agentSession?: string;
  chat(req: ChatRequest): Promise<ModelResult<ChatOutput>>;
}

export type ModelBackend = TextModel | ChatModel;

export interface ModelInfo {
  id: string;
  owned_by?: string;
}
