// slime's ReTool prompt (examples/retool/generate_with_retool.py: TOOL_TEMPLATE rendered by
// format_conversation_with_tools), reproduced byte for byte.
//
// Python renders it with `jinja2.Template(TOOL_TEMPLATE)`: no trim_blocks, no lstrip_blocks, the
// single trailing newline of the source dropped, `tojson` = json.dumps(sort_keys=True) with
// ensure_ascii and HTML-safe escaping. @huggingface/jinja's `Template` class forces
// trim_blocks/lstrip_blocks on and its tojson neither sorts by code point nor escapes, so we drive
// its lexer/parser/interpreter directly and serialize each tool ourselves (see `render`).
import { Environment, Interpreter, parse, tokenize } from "@huggingface/jinja";
import { z } from "zod";
import { jinjaToJson } from "@/lib/pycompat/json";

/** TOOL_TEMPLATE from slime's ReTool example, verbatim. */
export const TOOL_TEMPLATE = `<|im_start|>system
{%- if messages[0]['role'] == 'system' %}
{{- messages[0]['content'] }}
{%- else %}
You are a helpful assistant.
{%- endif %}
{%- if tools %}
# Tools

You may call one or more functions to assist with the user query.

You are provided with function signatures within <tools></tools> XML tags:
<tools>
{%- for tool in tools %}
{{- tool | tojson }}
{%- endfor %}
</tools>

For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:
<tool_call>
{"name": <function-name>, "arguments": <args-json-object>}
</tool_call>
{%- endif %}
<|im_end|>
{%- for message in messages %}
{%- if message['role'] == 'user' %}
<|im_start|>user
{{- message['content'] }}<|im_end|>
{%- elif message['role'] == 'assistant' %}
<|im_start|>assistant
{{- message['content'] }}<|im_end|>
{%- endif %}
{%- endfor %}
<|im_start|>assistant
`;

/** The system prompt format_conversation_with_tools uses when none (or an empty one) is given. */
export const DEFAULT_SYSTEM_PROMPT =
  "You are a helpful assistant that can use Python tools to solve mathematical problems. " +
  "When you need to perform calculations, use the code_interpreter tool to execute code and get results.";

/** slime's tool_registry.get_tool_specs(): the one registered tool. generate() always passes it. */
export const DEFAULT_TOOLS: ToolSpec[] = [
  {
    type: "function",
    function: {
      name: "code_interpreter",
      description: "A tool for executing Python code in a safe sandbox environment.",
      parameters: {
        type: "object",
        properties: { code: { type: "string", description: "The Python code to execute" } },
        required: ["code"],
      },
    },
  },
];

/** slime's TOOL_CONFIGS defaults (examples/retool/tool_sandbox.py). */
export const RETOOL_DEFAULTS = { maxTurns: 16, maxToolCalls: 16 } as const;

// A JSON value: tool specs are arbitrary JSON objects rendered with tojson.
const jsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);
export const toolSpecSchema = z.record(z.string(), jsonValue);
export type ToolSpec = z.infer<typeof toolSpecSchema>;

/**
 * A previous-turn message. Only `user` and `assistant` roles are rendered (the template skips
 * others); a missing content renders as "" (jinja2 Undefined), other scalars as Python's str().
 */
export const chatMessageSchema = z.looseObject({
  role: z.string().optional(),
  content: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const renderInputSchema = z.object({
  prompt: z.string().nullish(),
  system: z.string().nullish(),
  tools: z.array(toolSpecSchema).nullish(),
  messages: z.array(chatMessageSchema).nullish(),
});
export type RenderInput = z.infer<typeof renderInputSchema>;

export interface FormatConversationOptions {
  prompt: string;
  /** Falsy (absent, null, "") means DEFAULT_SYSTEM_PROMPT, as in slime. */
  system?: string | null;
  /** Falsy or empty means no "# Tools" section, as in slime's function (whose default is None). */
  tools?: ToolSpec[] | null;
  /** Earlier turns appended after the user message. */
  messages?: ChatMessage[] | null;
}

// Parsed once: the template never changes. `tool | tojson` is rendered from strings we
// serialize in Python's way (the only filter the template uses).
const TOJSON_EXPR = "{{- tool | tojson }}";
const parsedTemplate = parse(tokenize(TOOL_TEMPLATE.replace(TOJSON_EXPR, "{{- tool }}"), {}));
if (!TOOL_TEMPLATE.includes(TOJSON_EXPR)) throw new Error("TOOL_TEMPLATE changed: tojson hook missing");

/** Python's str() of a JSON scalar, as jinja2 prints it. */
function pyStr(v: string | number | boolean | null): string {
  if (v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v).toString() : String(v);
  return v;
}

/** slime's format_conversation_with_tools. */
export function formatConversationWithTools(opts: FormatConversationOptions): string {
  const messages: { role?: string; content?: string }[] = [
    { role: "system", content: opts.system ? opts.system : DEFAULT_SYSTEM_PROMPT },
  ];
  if (opts.prompt) messages.push({ role: "user", content: opts.prompt });
  for (const m of opts.messages ?? []) {
    const out: { role?: string; content?: string } = {};
    if (m.role !== undefined) out.role = m.role;
    if (m.content !== undefined) out.content = pyStr(m.content);
    messages.push(out);
  }
  const tools = (opts.tools ?? []).map((t) => jinjaToJson(t));
  const env = new Environment();
  env.set("messages", messages);
  env.set("tools", tools);
  return new Interpreter(env).run(parsedTemplate).value as string;
}

/** The prompt slime's generate() builds for a sample: default system prompt and the default tool. */
export function formatRetoolPrompt(prompt: string): string {
  return formatConversationWithTools({ prompt, tools: DEFAULT_TOOLS });
}
