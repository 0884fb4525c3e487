// The chat-template side of the agent proxy: the message and tool shapes both wire translations
// produce (slime's `translated` list and `tools_schema`), and the helpers both APIs share, as
// slime's adapters/common.py has them. Isomorphic.

/** A tool call as stored on a chat-template message: arguments a mapping, no wire id (slime's tool_call_dict). */
export interface TemplateToolCall {
  type: "function";
  function: { name: string; arguments: Record<string, unknown> };
}

export interface TemplateMessage {
  role: string;
  content: string;
  reasoning_content?: string;
  tool_calls?: TemplateToolCall[];
}

export interface TemplateTool {
  type: "function";
  function: { name: string; description: string; parameters: unknown };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function pyStr(v: unknown): string {
  // Python's str() of what a JSON body can hold, for the rare non-text content value.
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "string") return v;
  return typeof v === "number" ? String(v) : JSON.stringify(v);
}

/** A wire content value (string, or OpenAI/Anthropic blocks) as one template string (slime's flatten_content). */
export function flattenContent(c: unknown): string {
  if (c === null || c === undefined) return "";
  if (typeof c === "string") return c;
  if (!Array.isArray(c)) return pyStr(c);
  const parts: string[] = [];
  for (const b of c) {
    if (typeof b === "string") {
      parts.push(b);
      continue;
    }
    if (!isRecord(b)) {
      parts.push(pyStr(b));
      continue;
    }
    const t = b.type;
    if (t === "text" || t === "input_text" || t === "output_text") parts.push(typeof b.text === "string" ? b.text : "");
    else if (t === "tool_result") parts.push(flattenContent(b.content));
    else if (t === "image" || t === "image_url" || t === "input_image") parts.push("[image omitted]");
    else if ("content" in b) parts.push(flattenContent(b.content));
    else if ("text" in b) parts.push(b.text ? pyStr(b.text) : "");
  }
  return parts.filter((p) => p).join("\n");
}

export function toolCallDict(name: string, args: unknown): TemplateToolCall {
  return { type: "function", function: { name, arguments: isRecord(args) ? args : {} } };
}

/** OpenAI's JSON-string arguments as a mapping; anything unparseable is kept as `_raw_arguments` (slime). */
export function argumentsAsDict(args: unknown): Record<string, unknown> {
  if (isRecord(args)) return args;
  if (args === null || args === undefined) return {};
  if (typeof args === "string") {
    const s = args.trim();
    if (!s) return {};
    try {
      const parsed: unknown = JSON.parse(s);
      return isRecord(parsed) ? parsed : { _raw_arguments: args };
    } catch {
      return { _raw_arguments: args };
    }
  }
  return { _raw_arguments: pyStr(args) };
}

/** The finish reason stored on the recorded turn: tool_calls when the turn called a tool, else the upstream's. */
export function managerFinishReason(toolUses: readonly unknown[], rawFinish: string): string {
  return toolUses.length ? "tool_calls" : rawFinish || "stop";
}

export { isRecord };

/**
 * The chat-template kwargs a body asks for: `chat_template_kwargs` (SGLang's and vLLM's OpenAI
 * extension, e.g. `{"enable_thinking": false}`), a top-level `enable_thinking`, and for Anthropic
 * bodies `thinking: {type: "enabled" | "disabled"}`. The explicit kwargs win.
 */
export function templateKwargsOf(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const thinking = body.thinking;
  if (isRecord(thinking) && (thinking.type === "enabled" || thinking.type === "disabled")) out.enable_thinking = thinking.type === "enabled";
  if (typeof body.enable_thinking === "boolean") out.enable_thinking = body.enable_thinking;
  if (isRecord(body.chat_template_kwargs)) Object.assign(out, body.chat_template_kwargs);
  // Never let a kwarg replace what the proxy itself passes to the template.
  for (const k of ["messages", "tools", "add_generation_prompt"]) delete out[k];
  return out;
}
