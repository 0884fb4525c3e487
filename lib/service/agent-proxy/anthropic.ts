// Anthropic Messages on the agent proxy, as slime's adapters/anthropic.py translates it.
// Isomorphic (no server state).
import type { ServiceError } from "@/lib/service/core/errors";
import { flattenContent, isRecord, managerFinishReason, toolCallDict, type TemplateMessage, type TemplateTool, type TemplateToolCall } from "./messages";
import type { ParsedModelOutput } from "./parse-output";
import { randomHex, sidFromBearer, sseEvent, type AgentWire, type Reply, type WireErrorKind, wireErrorKind } from "./wire";

type Block =
  | { type: "thinking"; thinking: string; signature?: string }
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };
type AnthropicReply = { blocks: Block[]; stop: "tool_use" | "max_tokens" | "end_turn" };

export function translateAnthropicMessages(msgs: unknown[], system: unknown): TemplateMessage[] {
  const out: TemplateMessage[] = [];
  if (system) out.push({ role: "system", content: flattenContent(system) });
  for (const m of msgs) {
    if (!isRecord(m)) continue;
    const content = m.content;
    const blocks: unknown[] = Array.isArray(content) ? content : [{ type: "text", text: flattenContent(content) }];
    if (m.role === "user") {
      for (const b of blocks) {
        if (isRecord(b) && b.type === "tool_result") out.push({ role: "tool", content: flattenContent(b.content) });
        else if (isRecord(b) && b.type === "text") out.push({ role: "user", content: typeof b.text === "string" ? b.text : "" });
        else out.push({ role: "user", content: flattenContent([b]) });
      }
    } else if (m.role === "assistant") {
      const texts: string[] = [];
      const thinkings: string[] = [];
      const calls: TemplateToolCall[] = [];
      for (const b of blocks) {
        if (!isRecord(b)) continue;
        if (b.type === "text") texts.push(typeof b.text === "string" ? b.text : "");
        else if (b.type === "thinking") thinkings.push(typeof b.thinking === "string" ? b.thinking : "");
        else if (b.type === "tool_use") calls.push(toolCallDict(typeof b.name === "string" ? b.name : "tool", b.input)); // id is wire-only
      }
      const a: TemplateMessage = { role: "assistant", content: texts.join("") };
      if (thinkings.length) a.reasoning_content = thinkings.join("");
      if (calls.length) a.tool_calls = calls;
      out.push(a);
    } else if (m.role === "system") {
      out.push({ role: "system", content: flattenContent(content) });
    }
  }
  return out;
}

export function anthropicTools(tools: unknown): TemplateTool[] | null {
  if (!Array.isArray(tools) || !tools.length) return null;
  const out: TemplateTool[] = [];
  for (const t of tools) {
    if (!isRecord(t) || !("name" in t)) continue;
    out.push({
      type: "function",
      function: { name: String(t.name), description: (t.description as string | undefined) ?? "", parameters: t.input_schema || t.parameters || { type: "object", properties: {} } },
    });
  }
  return out.length ? out : null;
}

const WRAP_PREFIX = "<system-reminder>\n";
const WRAP_SUFFIX = "\n</system-reminder>\n";

/** A system message after the first goes into a neighbouring user message as a <system-reminder> (templates reject it there). */
export function foldMidListSystem(body: Record<string, unknown>): void {
  const msgs = body.messages;
  if (!Array.isArray(msgs) || !msgs.length) return;
  const idx = msgs.flatMap((m, i) => (i > 0 && isRecord(m) && m.role === "system" ? [i] : []));
  if (!idx.length) return;
  const asList = (msg: Record<string, unknown>): unknown[] => {
    if (Array.isArray(msg.content)) return msg.content;
    msg.content = [{ type: "text", text: typeof msg.content === "string" ? msg.content : "" }];
    return msg.content as unknown[];
  };
  const TOMB = {};
  for (const i of idx) {
    const wrapped = { type: "text", text: WRAP_PREFIX + flattenContent((msgs[i] as Record<string, unknown>).content) + WRAP_SUFFIX };
    let target: Record<string, unknown> | null = null;
    for (let j = i - 1; j >= 0 && !target; j--) {
      const c = msgs[j];
      if (isRecord(c) && c.role === "user") (target = c), asList(c).push(wrapped);
    }
    for (let j = i + 1; j < msgs.length && !target; j++) {
      const c = msgs[j];
      if (isRecord(c) && c.role === "user") (target = c), asList(c).unshift(wrapped);
    }
    msgs[i] = target ? TOMB : { role: "user", content: [wrapped] };
  }
  body.messages = msgs.filter((m) => m !== TOMB);
}

export function buildAnthropicReply(parsed: ParsedModelOutput, rawFinish: string): Reply<AnthropicReply> {
  const blocks: Block[] = [];
  if (parsed.reasoning) blocks.push({ type: "thinking", thinking: parsed.reasoning });
  if (parsed.text) blocks.push({ type: "text", text: parsed.text });
  const calls: TemplateToolCall[] = [];
  for (const tu of parsed.tool_uses) {
    blocks.push({ type: "tool_use", id: `toolu_${randomHex(8)}`, name: tu.name, input: tu.input });
    calls.push(toolCallDict(tu.name, tu.input));
  }
  if (!blocks.length) blocks.push({ type: "text", text: "" });
  const stop = parsed.tool_uses.length ? "tool_use" : rawFinish === "length" ? "max_tokens" : "end_turn";
  const manager: TemplateMessage = { role: "assistant", content: parsed.text || "" };
  if (parsed.reasoning) manager.reasoning_content = parsed.reasoning;
  if (calls.length) manager.tool_calls = calls;
  return { manager_message: manager, finish_reason: managerFinishReason(parsed.tool_uses, rawFinish), wire: { blocks, stop } };
}

const errorTypes: Record<WireErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "not_found_error",
  rate_limit: "rate_limit_error",
  upstream: "api_error",
  unavailable: "overloaded_error",
  internal: "api_error",
};

function anthropicErrorBody(e: ServiceError): unknown {
  return { type: "error", error: { type: errorTypes[wireErrorKind(e)], message: e.message } };
}

export const anthropicWire: AgentWire<AnthropicReply> = {
  name: "anthropic",
  maxTokenKeys: ["max_tokens"],
  stopKeys: ["stop_sequences"],
  preprocess: foldMidListSystem,
  // The Messages body carries no session hint; Bearer wins over X-Api-Key.
  sessionId: (headers) => sidFromBearer(headers) ?? ((headers.get("x-api-key") ?? "").trim() || "default"),
  translate(body) {
    return { messages: translateAnthropicMessages(Array.isArray(body.messages) ? body.messages : [], body.system), tools: anthropicTools(body.tools) };
  },
  buildReply: buildAnthropicReply,
  json(body, reply, i, o) {
    return {
      id: `msg_${randomHex(12)}`,
      type: "message",
      role: "assistant",
      model: body.model ?? "slime-actor",
      content: reply.wire.blocks,
      stop_reason: reply.wire.stop,
      stop_sequence: null,
      usage: { input_tokens: i, output_tokens: o },
    };
  },
  stream(body) {
    const id = `msg_${randomHex(12)}`;
    return {
      start: (i) =>
        sseEvent("message_start", {
          type: "message_start",
          message: { id, type: "message", role: "assistant", model: body.model ?? "slime-actor", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: i, output_tokens: 0 } },
        }),
      ping: () => sseEvent("ping", { type: "ping" }),
      finish(reply, i, o) {
        const frames: string[] = [];
        reply.wire.blocks.forEach((b, index) => {
          const [start, delta] =
            b.type === "thinking"
              ? [{ type: "thinking", thinking: "" }, { type: "thinking_delta", thinking: b.thinking }]
              : b.type === "text"
                ? [{ type: "text", text: "" }, { type: "text_delta", text: b.text }]
                : [{ type: "tool_use", id: b.id, name: b.name, input: {} }, { type: "input_json_delta", partial_json: JSON.stringify(b.input) }];
          frames.push(sseEvent("content_block_start", { type: "content_block_start", index, content_block: start }));
          frames.push(sseEvent("content_block_delta", { type: "content_block_delta", index, delta }));
          frames.push(sseEvent("content_block_stop", { type: "content_block_stop", index }));
        });
        frames.push(sseEvent("message_delta", { type: "message_delta", delta: { stop_reason: reply.wire.stop, stop_sequence: null }, usage: { input_tokens: i, output_tokens: o } }));
        frames.push(sseEvent("message_stop", { type: "message_stop" }));
        return frames;
      },
      error: (e) => sseEvent("error", anthropicErrorBody(e)),
    };
  },
  errorBody: anthropicErrorBody,
};
