// What each agent API (OpenAI Chat Completions, Anthropic Messages) supplies to the one turn
// pipeline in turn.ts: how to read the session id and translate the body, how to pack a parsed
// output, and how to write answers, stream frames and errors in its own wire format. The rest is
// shared, as slime's BaseAdapter shares it. Isomorphic.
import type { TemplateMessage, TemplateTool } from "./messages";
import type { ParsedModelOutput } from "./parse-output";

export type AgentApiName = "openai" | "anthropic";

/** Error kinds both APIs have a word for. */
export type WireErrorKind = "invalid_request" | "not_found" | "rate_limit" | "upstream" | "unavailable" | "internal";

export interface WireError {
  kind: WireErrorKind;
  status: number;
  message: string;
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
  error(e: WireError): string;
}

export interface AgentWire<W = unknown> {
  name: AgentApiName;
  maxTokenKeys: readonly string[];
  stopKeys: readonly string[];
  /** Mutates the body before anything reads it (Anthropic folds mid-list system messages). */
  preprocess(body: Record<string, unknown>): void;
  sessionId(headers: HeaderSource, body: Record<string, unknown>): string;
  translate(body: Record<string, unknown>): { messages: TemplateMessage[]; tools: TemplateTool[] | null } | WireError;
  buildReply(parsed: ParsedModelOutput, rawFinish: string): Reply<W>;
  json(body: Record<string, unknown>, reply: Reply<W>, inputTokens: number, outputTokens: number): unknown;
  stream(body: Record<string, unknown>): StreamWriter<W>;
  errorBody(e: WireError): unknown;
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
