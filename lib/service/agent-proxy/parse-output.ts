// Reasoning and tool calls out of one decoded model output, for Qwen3's formats: `<think>…</think>`
// (SGLang's qwen3 reasoning parser, plus slime's bare-`</think>` fallback), tool calls as JSON inside
// `<tool_call>` (qwen25 parser) or as the coder models' XML `<function=…><parameter=…>` form
// (qwen3_coder parser). A call that cannot be parsed marks the output ill_formed and the whole body
// comes back as text, so the agent sees what the model wrote and the turn is flagged, never a crash.
// Isomorphic.
import { isRecord, type TemplateTool } from "./messages";

export interface ToolUse {
  name: string;
  input: Record<string, unknown>;
}

export interface ParsedModelOutput {
  reasoning: string;
  text: string;
  tool_uses: ToolUse[];
  ill_formed: boolean;
  /** Why the output is ill_formed, for a person. */
  ill_formed_reason?: string;
}

const THINK_START = "<think>";
const THINK_END = "</think>";
const CALL_START = "<tool_call>";
const CALL_END = "</tool_call>";

/** Python's str.strip() whitespace is close enough to trim() for model text. */
const strip = (s: string) => s.trim();

export function splitReasoning(raw: string): { reasoning: string; body: string } {
  let reasoning = "";
  let body = raw;
  if (raw.includes(THINK_START)) {
    const processed = strip(raw.replaceAll(THINK_START, ""));
    if (!processed.includes(THINK_END)) return { reasoning: processed, body: "" }; // truncated inside the thought
    const at = processed.indexOf(THINK_END);
    reasoning = processed.slice(0, at);
    body = strip(processed.slice(at + THINK_END.length));
  }
  // Templates that open <think> in the prompt: the output has only the closing tag.
  if (!reasoning && body.includes(THINK_END)) {
    const at = body.indexOf(THINK_END);
    reasoning = body.slice(0, at);
    body = body.slice(at + THINK_END.length);
  }
  return { reasoning, body };
}

function schemaType(tool: TemplateTool | undefined, param: string): string | undefined {
  const params = tool?.function.parameters;
  if (!isRecord(params) || !isRecord(params.properties)) return undefined;
  const p = params.properties[param];
  return isRecord(p) && typeof p.type === "string" ? p.type : undefined;
}

/** A `<parameter>` value converted by the tool's schema type, as SGLang's qwen3_coder parser does. */
function convertParam(value: string, type: string | undefined): unknown {
  switch (type) {
    case "integer":
      return /^-?\d+$/.test(value) ? Number(value) : value;
    case "number": {
      const n = Number(value);
      return value !== "" && Number.isFinite(n) ? n : value;
    }
    case "boolean":
      return value.toLowerCase() === "true" ? true : value.toLowerCase() === "false" ? false : value;
    case "object":
    case "array":
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
    default:
      return value;
  }
}

type CallParse = { ok: true; use: ToolUse } | { ok: false; reason: string };

function parseXmlCall(inner: string, tools: Map<string, TemplateTool>): CallParse {
  const m = /^<function=([^>\n]+)>([\s\S]*?)<\/function>$/.exec(inner);
  if (!m) return { ok: false, reason: "a <function=…> block is not closed" };
  const name = m[1]!.trim();
  const tool = tools.get(name);
  if (!tool) return { ok: false, reason: `unknown tool ${JSON.stringify(name)}` };
  const input: Record<string, unknown> = {};
  for (const p of m[2]!.matchAll(/<parameter=([^>\n]+)>([\s\S]*?)<\/parameter>/g)) {
    const key = p[1]!.trim();
    input[key] = convertParam(strip(p[2]!), schemaType(tool, key));
  }
  return { ok: true, use: { name, input } };
}

function parseJsonCall(inner: string, tools: Map<string, TemplateTool>): CallParse {
  let v: unknown;
  try {
    v = JSON.parse(inner);
  } catch (e) {
    return { ok: false, reason: `tool call JSON does not parse: ${(e as Error).message}` };
  }
  if (!isRecord(v) || typeof v.name !== "string") return { ok: false, reason: "tool call JSON has no \"name\"" };
  if (!tools.has(v.name)) return { ok: false, reason: `unknown tool ${JSON.stringify(v.name)}` };
  const args = v.arguments ?? v.parameters ?? {};
  if (!isRecord(args)) return { ok: false, reason: "tool call arguments are not a JSON object" };
  return { ok: true, use: { name: v.name, input: args } };
}

/** Tool calls in the body: only when the request offered tools (as slime parses only then). */
export function parseToolUses(
  body: string,
  tools: readonly TemplateTool[] | null,
): { text: string; tool_uses: ToolUse[]; ill_formed: boolean; reason?: string } {
  if (!tools?.length || !body.includes(CALL_START)) return { text: body, tool_uses: [], ill_formed: false };
  const byName = new Map(tools.map((t) => [t.function.name, t]));
  const first = body.indexOf(CALL_START);
  const uses: ToolUse[] = [];
  let pos = first;
  while (pos !== -1) {
    const end = body.indexOf(CALL_END, pos + CALL_START.length);
    if (end === -1) return { text: body, tool_uses: [], ill_formed: true, reason: "a <tool_call> is not closed" };
    const inner = strip(body.slice(pos + CALL_START.length, end));
    const r = inner.startsWith("<function=") ? parseXmlCall(inner, byName) : parseJsonCall(inner, byName);
    if (!r.ok) return { text: body, tool_uses: [], ill_formed: true, reason: r.reason };
    uses.push(r.use);
    pos = body.indexOf(CALL_START, end + CALL_END.length);
  }
  // As SGLang's detectors: the visible text is what precedes the first call.
  return { text: body.slice(0, first), tool_uses: uses, ill_formed: false };
}

/**
 * `raw` is the decoded output with special tokens kept (as slime decodes it). A trailing end-of-turn
 * token (`<|im_end|>`) stays in the trained token ids but is not text: slime would hand it to the
 * agent inside the content, and its echo would then render twice; we cut it here.
 */
export function parseModelOutput(raw: string, tools: readonly TemplateTool[] | null, endTokens: readonly string[] = []): ParsedModelOutput {
  let text = raw;
  for (let cut = true; cut; ) {
    cut = false;
    for (const t of endTokens) {
      if (t && text.endsWith(t)) {
        text = text.slice(0, -t.length);
        cut = true;
      }
    }
  }
  const { reasoning, body } = splitReasoning(text);
  const calls = parseToolUses(body, tools);
  return {
    reasoning,
    text: strip(calls.text),
    tool_uses: calls.tool_uses,
    ill_formed: calls.ill_formed,
    ...(calls.reason ? { ill_formed_reason: calls.reason } : {}),
  };
}
