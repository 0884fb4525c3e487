// Qwen3's chat template (the one in the tokenizer_config.json the app ships), written out as code:
// the same text, character for character, as the Jinja template rendered by transformers
// (`prompt.test.ts` checks it against @huggingface/jinja and the cross-check against Python jinja2).
// It exists because interpreting the template over a 32k-token history costs tens of milliseconds
// per turn; this costs well under one. Isomorphic.
import type { TemplateMessage, TemplateTool } from "./messages";
import { pyJsonDumps } from "./py-json";

const stripNl = (s: string) => s.replace(/^\n+|\n+$/g, "");
const lstripNl = (s: string) => s.replace(/^\n+/, "");
const rstripNl = (s: string) => s.replace(/\n+$/, "");

/** What the template reads besides messages and tools (transformers' `**kwargs`, OpenAI's `chat_template_kwargs`). */
export type TemplateKwargs = Record<string, unknown>;

export function renderQwen3(
  messages: readonly TemplateMessage[],
  tools: readonly TemplateTool[] | null,
  addGenerationPrompt: boolean,
  kwargs: TemplateKwargs = {},
): string {
  const first = messages[0];
  if (!first) throw new Error("'list object' has no attribute 'role' (no messages)");
  const out: string[] = [];
  if (tools && tools.length) {
    out.push("<|im_start|>system\n");
    if (first.role === "system") out.push(first.content + "\n\n");
    out.push(
      "# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>",
    );
    for (const tool of tools) out.push("\n", pyJsonDumps(tool));
    out.push(
      '\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call><|im_end|>\n',
    );
  } else if (first.role === "system") {
    out.push("<|im_start|>system\n" + first.content + "<|im_end|>\n");
  }
  let multiStepTool = true;
  let lastQueryIndex = messages.length - 1;
  for (let index = messages.length - 1; index >= 0; index--) {
    const m = messages[index]!;
    if (multiStepTool && m.role === "user" && !(m.content.startsWith("<tool_response>") && m.content.endsWith("</tool_response>"))) {
      multiStepTool = false;
      lastQueryIndex = index;
    }
  }
  const n = messages.length;
  for (let i = 0; i < n; i++) {
    const m = messages[i]!;
    if (m.role === "user" || (m.role === "system" && i !== 0)) {
      out.push("<|im_start|>" + m.role + "\n" + m.content + "<|im_end|>\n");
    } else if (m.role === "assistant") {
      let content = m.content;
      let reasoning = "";
      if (m.reasoning_content !== undefined && m.reasoning_content !== null) {
        reasoning = m.reasoning_content;
      } else if (m.content.includes("</think>")) {
        const parts = m.content.split("</think>");
        content = lstripNl(parts[parts.length - 1]!);
        const before = rstripNl(parts[0]!).split("<think>");
        reasoning = lstripNl(before[before.length - 1]!);
      }
      if (i > lastQueryIndex && (i === n - 1 || reasoning)) {
        out.push("<|im_start|>" + m.role + "\n<think>\n" + stripNl(reasoning) + "\n</think>\n\n" + lstripNl(content));
      } else {
        out.push("<|im_start|>" + m.role + "\n" + content);
      }
      const calls = m.tool_calls ?? [];
      calls.forEach((call, j) => {
        if ((j === 0 && content) || j > 0) out.push("\n");
        const fn = call.function;
        const args = fn.arguments as unknown;
        out.push('<tool_call>\n{"name": "', fn.name, '", "arguments": ', typeof args === "string" ? args : pyJsonDumps(args), "}\n</tool_call>");
      });
      out.push("<|im_end|>\n");
    } else if (m.role === "tool") {
      if (i === 0 || messages[i - 1]!.role !== "tool") out.push("<|im_start|>user");
      out.push("\n<tool_response>\n", m.content, "\n</tool_response>");
      if (i === n - 1 || messages[i + 1]!.role !== "tool") out.push("<|im_end|>\n");
    }
  }
  if (addGenerationPrompt) {
    out.push("<|im_start|>assistant\n");
    // `enable_thinking is defined and enable_thinking is false`: only the boolean false.
    if (kwargs.enable_thinking === false) out.push("<think>\n\n</think>\n\n");
  }
  return out.join("");
}
