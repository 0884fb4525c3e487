// What each agent API (OpenAI Chat Completions, Anthropic Messages) supplies to the one turn
// pipeline in turn.ts: how to read the session id and translate the body, how to pack a parsed
// output, and how to write answers, stream frames and errors in its own wire format. The rest is
// shared, as slime's BaseAdapter shares it. Isomorphic.
import { statusOf, type ServiceError } from "@/lib/service/core/errors";
import type { TemplateMessage, TemplateTool } from "./messages";
import type { ParsedModelOutput } from "./parse-output";

export type AgentApiName = "openai" | "anthropic";

/** Error kinds both APIs have a word for. */
export type WireErrorKind = "invalid_request" | "authentication" | "permission" | "not_found" | "rate_limit" | "upstream" | "unavailable" | "internal";

/** The turn cap's code: answered with slime's exact body, status 429. */
export const TURN_CAP_CODE = "unavailable:turn_cap";

/** Which of the APIs' error words a ServiceError is, by its status. */
export function wireErrorKind(e: ServiceError): WireErrorKind {
  const status = statusOf(e);
  if (status === 401) return "authentication";
  if (status === 403) return "permission";
  if (status === 404) return "not_found";
  if (status === 429) return "rate_limit";
  if (status === 502 || status === 504) return "upstream";
  if (status === 503) return "unavailable";
  if (status >= 500) return "internal";
  return "invalid_request";
}

export interface HeaderSource {
  get(name: string): string | null;
}

export interface Reply<W = unknown> {
  /** What the trajectory records as the assistant message (must equal its echo next turn). */
  manager_message: TemplateMessage;
  finish_reason: string;
  wire: W;
}

/** One streamed answer: frames before generation (sent at once) and after. */
export interface StreamWriter<W> {
  start(inputTokens: number): string;
  ping(): string;
  finish(reply: Reply<W>, inputTokens: number, outputTokens: number): string[];
  /** The API's in-stream error, then its end marker when it has one. */
  error(e: ServiceError): string;
}

export interface AgentWire<W = unknown> {
  name: AgentApiName;
  maxTokenKeys: readonly string[];
  stopKeys: readonly string[];
  /** Mutates the body before anything reads it (Anthropic folds mid-list system messages). */
  preprocess(body: Record<string, unknown>): void;
  sessionId(headers: HeaderSource, body: Record<string, unknown>): string;
  translate(body: Record<string, unknown>): { messages: TemplateMessage[]; tools: TemplateTool[] | null } | ServiceError;
  buildReply(parsed: ParsedModelOutput, rawFinish: string): Reply<W>;
  json(body: Record<string, unknown>, reply: Reply<W>, inputTokens: number, outputTokens: number): unknown;
  stream(body: Record<string, unknown>): StreamWriter<W>;
  errorBody(e: ServiceError): unknown;
}

export function sseData(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** `Authorization: Bearer <sid>`, as slime reads the key the agent was given. */
export function sidFromBearer(headers: HeaderSource): string | null {
  const auth = headers.get("authorization") ?? "";
  if (auth.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim() || null;
  return null;
}

export function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A ServiceError as an API's error response; the turn cap gets slime's own body. */
export function wireErrorResponse(wire: Pick<AgentWire, "errorBody">, e: ServiceError, headers?: HeadersInit): Response {
  const body = e.code === TURN_CAP_CODE ? { error: { type: "rate_limit_error", message: e.message } } : wire.errorBody(e);
  return Response.json(body, { status: statusOf(e), ...(headers ? { headers } : {}) });
}
