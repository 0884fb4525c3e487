import type { TemplateMessage, TemplateTool } from "../messages";

// Message histories that exercise every branch of Qwen3's chat template: tools or none, a leading
// system message or none, reasoning kept after the last user query and dropped before it, reasoning
// written inline as <think> in the content, several tool calls, consecutive tool results, a later
// system message, a user message that looks like a tool response, non-ASCII text and JSON escapes.

export const bashTool: TemplateTool = {
  type: "function",
  function: {
    name: "bash",
    description: "Run a shell command; returns stdout and stderr.",
    parameters: { type: "object", properties: { cmd: { type: "string", description: "the command" }, timeout: { type: "integer" } }, required: ["cmd"] },
  },
};
export const editTool: TemplateTool = {
  type: "function",
  function: { name: "edit_file", description: "Replace text in a file — «exactly».", parameters: { type: "object", properties: { path: { type: "string" }, old: { type: "string" }, new: { type: "string" } } } },
};

export interface TemplateCase {
  name: string;
  messages: TemplateMessage[];
  tools: TemplateTool[] | null;
  add_generation_prompt: boolean;
  /** chat_template_kwargs (transformers' **kwargs to the template). */
  kwargs?: Record<string, unknown>;
}

const call = (name: string, args: Record<string, unknown>) => ({ type: "function" as const, function: { name, arguments: args } });

export const templateCases: TemplateCase[] = [
  { name: "user only", messages: [{ role: "user", content: "Hi" }], tools: null, add_generation_prompt: true },
  { name: "system + user", messages: [{ role: "system", content: "You are terse." }, { role: "user", content: "Hi" }], tools: null, add_generation_prompt: true },
  {
    name: "tools, no system",
    messages: [{ role: "user", content: "List files" }],
    tools: [bashTool],
    add_generation_prompt: true,
  },
  {
    name: "agent loop with reasoning and tool results",
    messages: [
      { role: "system", content: "You are a coding agent." },
      { role: "user", content: "Fix foo.py — it crashes on ünïcode." },
      { role: "assistant", content: "", reasoning_content: "Look at the file first.", tool_calls: [call("bash", { cmd: "cat foo.py", timeout: 10 })] },
      { role: "tool", content: "print('hi')\n\"quoted\" \\ backslash" },
      { role: "assistant", content: "Running it.", tool_calls: [call("bash", { cmd: "python foo.py" }), call("edit_file", { path: "foo.py", old: "a", new: "b\n\tc" })] },
      { role: "tool", content: "ok" },
      { role: "tool", content: "edited" },
      { role: "assistant", content: "Done.", reasoning_content: "\nAll good.\n" },
    ],
    tools: [bashTool, editTool],
    add_generation_prompt: false,
  },
  {
    name: "reasoning before the last query is dropped; inline <think> is split",
    messages: [
      { role: "user", content: "Q1" },
      { role: "assistant", content: "<think>\nold thought\n</think>\n\nA1" },
      { role: "user", content: "Q2" },
      { role: "assistant", content: "<think>\nnew thought\n</think>\n\nA2" },
      { role: "user", content: "<tool_response>\nlooks like a tool\n</tool_response>" },
    ],
    tools: null,
    add_generation_prompt: true,
  },
  {
    name: "later system message, tool call with string arguments, empty reasoning",
    messages: [
      { role: "user", content: "go" },
      { role: "assistant", content: "", reasoning_content: "", tool_calls: [{ type: "function", function: { name: "bash", arguments: { cmd: "ls", nested: { b: [1, 2.5, null, true], a: "x" } } } }] },
      { role: "tool", content: "a\nb" },
      { role: "system", content: "<system-reminder>\nbe careful\n</system-reminder>" },
      { role: "assistant", content: "ok" },
    ],
    tools: [bashTool],
    add_generation_prompt: true,
  },
  { name: "enable_thinking false: an empty think block opens the answer", messages: [{ role: "user", content: "Hi" }], tools: [bashTool], add_generation_prompt: true, kwargs: { enable_thinking: false } },
  { name: "enable_thinking true: nothing added", messages: [{ role: "user", content: "Hi" }], tools: null, add_generation_prompt: true, kwargs: { enable_thinking: true } },
  {
    name: "enable_thinking false without a generation prompt: nothing added",
    messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello" }],
    tools: null,
    add_generation_prompt: false,
    kwargs: { enable_thinking: false },
  },
];
