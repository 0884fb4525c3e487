// OpenAI Chat Completions on the agent proxy, as slime's adapters/openai.py translates it.
// Isomorphic (no server state).
import type { ServiceError } from "@/lib/service/core/errors";
import { argumentsAsDict, flattenContent, isRecord, managerFinishReason, type TemplateMessage, type TemplateTool, type TemplateToolCall } from "./messages";
import type { ParsedModelOutput } from "./parse-output";
import { pyJsonDumps } from "./py-json";
import { randomHex as hex, sidFromBearer, sseData, type AgentWire, type Reply, type WireErrorKind, wireErrorKind } from "./wire";

interface OpenAiWireMessage {
  role: "assistant";
  content: string | null;
  reasoning_content?: string;
  tool_calls?: { id: string; type: "function"; function: { name: string; arguments: string } }[];
}
type OpenAiReply = { message: OpenAiWireMessage; finish: "tool_calls" | "length" | "stop" };

export function translateOpenAiMessages(messages: unknown[]): TemplateMessage[] {
  const out: TemplateMessage[] = [];
  for (const msg of messages) {
    if (!isRecord(msg)) continue;
    let role = msg.role;
    if (role === "developer") role = "system";
    if (role === "system" || role === "user") out.push({ role, content: flattenContent(msg.content) });
    else if (role === "tool") out.push({ role: "tool", content: flattenContent(msg.content) }); // tool_call_id is wire-only
    else if (role === "assistant") {
      const a: TemplateMessage = { role: "assistant", content: flattenContent(msg.content) };
      if (msg.reasoning_content) a.reasoning_content = String(msg.reasoning_content);
      const calls: TemplateToolCall[] = [];
      for (const call of Array.isArray(msg.tool_calls) ? msg.tool_calls : []) {
        if (!isRecord(call)) continue;
        const fn = isRecord(call.function) ? call.function : {};
        const name = (fn.name || call.name || "tool") as string;
        const args = fn.arguments ?? call.arguments ?? {};
        calls.push({ type: "function", function: { name: String(name), arguments: argumentsAsDict(args) } });
      }
      if (calls.length) a.tool_calls = calls;
      out.push(a);
    }
    // other roles are dropped, as slime does
  }
  return out;
}

export function openAiTools(tools: unknown): TemplateTool[] | null {
  if (!Array.isArray(tools) || !tools.length) return null;
  const out: TemplateTool[] = [];
  for (const t of tools) {
    if (!isRecord(t)) continue;
    if (t.type && t.type !== "function") continue;
    const fn = isRecord(t.function) ? t.function : t;
    if (!fn.name) continue;
    out.push({
      type: "function",
      function: { name: String(fn.name), description: (fn.description as string | undefined) ?? "", parameters: fn.parameters || { type: "object", properties: {} } },
    });
  }
  return out.length ? out : null;
}

export function buildOpenAiReply(parsed: ParsedModelOutput, rawFinish: string): Reply<OpenAiReply> {
  const wireCalls = parsed.tool_uses.map((tu) => ({
    id: `call_${hex(12)}`,
    type: "function" as const,
    function: { name: tu.name, arguments: pyJsonDumps(sortKeysDeep(tu.input)) },
  }));
  // content null beside tool_calls: some clients split a mixed turn into two echoed messages.
  const message: OpenAiWireMessage = { role: "assistant", content: wireCalls.length ? null : parsed.text || null };
  // What the client echoes next turn: no reasoning, only the first call, empty content beside a call.
  const manager: TemplateMessage = { role: "assistant", content: wireCalls.length ? "" : parsed.text || "" };
  if (parsed.reasoning) message.reasoning_content = parsed.reasoning;
  if (wireCalls.length) {
    message.tool_calls = wireCalls.slice(0, 1);
    manager.tool_calls = parsed.tool_uses.slice(0, 1).map((tu) => ({ type: "function", function: { name: tu.name, arguments: tu.input } }));
  }
  const finish = parsed.tool_uses.length ? "tool_calls" : rawFinish === "length" ? "length" : "stop";
  return { manager_message: manager, finish_reason: managerFinishReason(parsed.tool_uses, rawFinish), wire: { message, finish } };
}

/** json.dumps(sort_keys=True) sorts nested objects too. */
function sortKeysDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeysDeep);
  if (!isRecord(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeysDeep(v[k])]));
}

const usage = (i: number, o: number) => ({ prompt_tokens: i, completion_tokens: o, total_tokens: i + o });

const errorTypes: Record<WireErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "not_found_error",
  rate_limit: "rate_limit_error",
  upstream: "api_error",
  unavailable: "api_error",
  internal: "server_error",
};

function openAiErrorBody(e: ServiceError): unknown {
  return { error: { message: e.message, type: errorTypes[wireErrorKind(e)], param: e.field ?? null, code: null } };
}

export const openAiWire: AgentWire<OpenAiReply> = {
  name: "openai",
  maxTokenKeys: ["max_completion_tokens", "max_tokens", "max_output_tokens"],
  stopKeys: ["stop"],
  preprocess() {},
  sessionId(headers, body) {
    const md = body.metadata;
    const fromBody = isRecord(md) && md.session_id ? String(md.session_id) : body.user ? String(body.user) : null;
    return sidFromBearer(headers) ?? fromBody ?? "default";
  },
  translate(body) {
    if (!Array.isArray(body.messages)) return { code: "bad_request:messages", message: "messages must be a list", field: "messages" };
    return { messages: translateOpenAiMessages(body.messages), tools: openAiTools(body.tools) };
  },
  buildReply: buildOpenAiReply,
  json(body, reply, i, o) {
    return {
      id: `chatcmpl_${hex(12)}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: body.model ?? "slime-actor",
      choices: [{ index: 0, message: reply.wire.message, finish_reason: reply.wire.finish }],
      usage: usage(i, o),
    };
  },
  stream(body) {
    const id = `chatcmpl_${hex(12)}`;
    const created = Math.floor(Date.now() / 1000);
    const model = body.model ?? "slime-actor";
    const chunk = (delta: Record<string, unknown>, finish: string | null = null, u?: unknown) =>
      sseData({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }], ...(u ? { usage: u } : {}) });
    return {
      start: () => chunk({ role: "assistant" }),
      // An SSE comment: clients skip it; it keeps proxies from closing an idle connection.
      ping: () => ": keep-alive\n\n",
      finish(reply, i, o) {
        const m = reply.wire.message;
        const frames: string[] = [];
        if (m.reasoning_content) frames.push(chunk({ reasoning_content: m.reasoning_content }));
        if (m.content) frames.push(chunk({ content: m.content }));
        // All calls in one chunk: some clients merge per-index argument fragments across chunks.
        if (m.tool_calls?.length) frames.push(chunk({ tool_calls: m.tool_calls.map((c, index) => ({ ...c, index })) }));
        frames.push(chunk({}, reply.wire.finish, usage(i, o)));
        frames.push("data: [DONE]\n\n");
        return frames;
      },
      error: (e) => sseData(openAiErrorBody(e)) + "data: [DONE]\n\n",
    };
  },
  errorBody: openAiErrorBody,
};
