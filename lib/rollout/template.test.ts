import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { requireUnderCi } from "@/lib/testing/ci";
import {
  DEFAULT_SYSTEM_PROMPT,
  DEFAULT_TOOLS,
  TOOL_TEMPLATE,
  formatConversationWithTools,
  formatRetoolPrompt,
  type FormatConversationOptions,
} from "./template";
import { formatObservation } from "./codec";

// What slime's generate() sends for "What is 1+1?" (default system prompt, the code_interpreter tool).
const RETOOL_PROMPT =
  "<|im_start|>systemYou are a helpful assistant that can use Python tools to solve mathematical problems. " +
  "When you need to perform calculations, use the code_interpreter tool to execute code and get results.\n# Tools\n\n" +
  "You may call one or more functions to assist with the user query.\n\n" +
  "You are provided with function signatures within <tools></tools> XML tags:\n<tools>" +
  '{"function": {"description": "A tool for executing Python code in a safe sandbox environment.", "name": "code_interpreter", ' +
  '"parameters": {"properties": {"code": {"description": "The Python code to execute", "type": "string"}}, "required": ["code"], ' +
  '"type": "object"}}, "type": "function"}\n</tools>\n\n' +
  "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n" +
  '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>\n<|im_end|>\n' +
  "<|im_start|>userWhat is 1+1?<|im_end|>\n<|im_start|>assistant";

describe("formatConversationWithTools", () => {
  it("renders the ReTool prompt byte for byte (sorted tojson keys, no trailing newline)", () => {
    expect(formatRetoolPrompt("What is 1+1?")).toBe(RETOOL_PROMPT);
    expect(RETOOL_PROMPT.endsWith("\n")).toBe(false);
  });

  it("treats absent, null and empty system like slime (default prompt)", () => {
    for (const system of [undefined, null, ""]) {
      expect(formatConversationWithTools({ prompt: "p", system })).toContain(`<|im_start|>system${DEFAULT_SYSTEM_PROMPT}\n<|im_end|>`);
    }
    expect(formatConversationWithTools({ prompt: "p", system: "Be brief." })).toMatch(/^<\|im_start\|>systemBe brief\.\n<\|im_end\|>/);
  });

  it("omits the tools section when tools are absent or empty, and the user turn when the prompt is empty", () => {
    const text = formatConversationWithTools({ prompt: "", tools: [] });
    expect(text).not.toContain("# Tools");
    expect(text).not.toContain("<|im_start|>user");
    expect(text).toBe(`<|im_start|>system${DEFAULT_SYSTEM_PROMPT}\n<|im_end|>\n<|im_start|>assistant`);
  });

  it("renders only user/assistant messages; other roles are skipped; scalars print like Python", () => {
    const text = formatConversationWithTools({
      prompt: "q",
      messages: [
        { role: "assistant", content: "a1" },
        { role: "tool", content: "hidden" },
        { role: "user", content: null },
        { role: "assistant", content: 3 },
        { role: "assistant" },
      ],
    });
    expect(text).toContain("<|im_start|>assistanta1<|im_end|>\n<|im_start|>userNone<|im_end|>\n<|im_start|>assistant3<|im_end|>\n<|im_start|>assistant<|im_end|>\n<|im_start|>assistant");
    expect(text).not.toContain("hidden");
  });

  it("escapes tojson output like jinja2 (HTML-safe, ASCII, code-point key order)", () => {
    const text = formatConversationWithTools({
      prompt: "p",
      tools: [{ "b<": "é & 'x' >", a: [1, 2.5, true, null], "😀": 1, "\uffff": 2 }],
    });
    expect(text).toContain('{"a": [1, 2.5, true, null], "b\\u003c": "\\u00e9 \\u0026 \\u0027x\\u0027 \\u003e", "\\uffff": 2, "\\ud83d\\ude00": 1}');
  });

  it("formats observations as slime does", () => {
    expect(formatObservation("Output:\n2")).toBe("\n\n<interpreter>\nOutput:\n2\n</interpreter>\n\n");
  });
});

// Byte-for-byte against Python's jinja2. Mandatory under CI (.ci/run installs python3-jinja2);
// elsewhere it is skipped, loudly, when jinja2 is missing.
const py = spawnSync("python3", ["-c", "import jinja2"], { encoding: "utf8" });
const hasJinja = requireUnderCi("Python's jinja2 for the cross-check", {
  ok: py.status === 0,
  why: `python3 -c 'import jinja2' failed: ${py.stderr || py.error?.message}`,
  install: "apt-get install python3-jinja2",
});

describe.runIf(hasJinja)("cross-check with Python jinja2", () => {
  const cases: FormatConversationOptions[] = [
    { prompt: "What is 1+1?", tools: DEFAULT_TOOLS },
    { prompt: "Solve x^2=4 😀 \u2028 é", system: "Custom\nsystem  ", tools: DEFAULT_TOOLS },
    { prompt: "", tools: null },
    { prompt: "p", tools: [{ z: { y: "<&'>" }, a: "ünï", m: [1, -2.5, 1e-7, 1e21, false, null] }, { name: "t2" }] },
    {
      prompt: "multi",
      tools: DEFAULT_TOOLS,
      messages: [
        { role: "assistant", content: "<tool_call>\n{}\n</tool_call>" },
        { role: "user", content: "\n\n<interpreter>\n2\n</interpreter>\n\n" },
        { role: "system", content: "ignored" },
        { role: "assistant", content: "Answer: \\boxed{2}" },
      ],
    },
  ];
  it("renders identically", () => {
    // The script only builds slime's messages list (system first, then user, then the rest) and
    // renders OUR exported template text with jinja2.Template, like slime does.
    const script = `
import json, sys, jinja2
d = json.load(sys.stdin)
out = []
for c in d["cases"]:
    msgs = [{"role": "system", "content": c.get("system") or d["default_system"]}]
    if c.get("prompt"):
        msgs.append({"role": "user", "content": c["prompt"]})
    if c.get("messages"):
        msgs.extend(c["messages"])
    out.append(jinja2.Template(d["template"]).render(messages=msgs, tools=c.get("tools") or []))
json.dump(out, sys.stdout)
`;
    const r = spawnSync("python3", ["-c", script], {
      input: JSON.stringify({ cases, template: TOOL_TEMPLATE, default_system: DEFAULT_SYSTEM_PROMPT }),
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    const expected = JSON.parse(r.stdout) as string[];
    expect(cases.map((c) => formatConversationWithTools(c))).toEqual(expected);
  });
});
