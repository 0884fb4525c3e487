import { describe, expect, it } from "vitest";
import { parseModelOutput } from "./parse-output";
import { bashTool, editTool } from "./testing/template-cases";

const tools = [bashTool, editTool];
const end = ["<|im_end|>", "<|endoftext|>"];

describe("parsing one model output (Qwen3 formats)", () => {
  it("splits <think> reasoning from the answer and cuts the end-of-turn token from the text", () => {
    expect(parseModelOutput("<think>\nHmm.\n</think>\n\nHello!<|im_end|>", null, end)).toEqual({ reasoning: "Hmm.\n", text: "Hello!", tool_uses: [], ill_formed: false });
    // a template that opened <think> in the prompt: only the closing tag is in the output
    expect(parseModelOutput("plan\n</think>\n\nDone<|im_end|>", null, end)).toMatchObject({ reasoning: "plan\n", text: "Done" });
    // cut inside the thought (finish length)
    expect(parseModelOutput("<think>\nstill thinking", null, end)).toMatchObject({ reasoning: "still thinking", text: "" });
  });

  it("reads JSON tool calls inside <tool_call>; the text before the first call is the visible text", () => {
    const raw = '<think>\nx\n</think>\n\nLet me look.\n<tool_call>\n{"name": "bash", "arguments": {"cmd": "ls -la"}}\n</tool_call>\n<tool_call>\n{"name": "edit_file", "arguments": {"path": "a", "old": "1", "new": "2"}}\n</tool_call><|im_end|>';
    expect(parseModelOutput(raw, tools, end)).toEqual({
      reasoning: "x\n",
      text: "Let me look.",
      tool_uses: [
        { name: "bash", input: { cmd: "ls -la" } },
        { name: "edit_file", input: { path: "a", old: "1", new: "2" } },
      ],
      ill_formed: false,
    });
  });

  it("reads the coder models' XML form, converting values by the tool's schema", () => {
    const raw = "<tool_call>\n<function=bash>\n<parameter=cmd>\necho <hi> && ls\n</parameter>\n<parameter=timeout>\n30\n</parameter>\n</function>\n</tool_call><|im_end|>";
    expect(parseModelOutput(raw, tools, end)).toMatchObject({ text: "", tool_uses: [{ name: "bash", input: { cmd: "echo <hi> && ls", timeout: 30 } }], ill_formed: false });
  });

  it("a call that cannot be parsed marks the output ill_formed and comes back whole as text", () => {
    const bad = 'Trying.\n<tool_call>\n{"name": "bash", "arguments": {"cmd": "ls"\n</tool_call>';
    const r = parseModelOutput(bad + "<|im_end|>", tools, end);
    expect(r).toMatchObject({ text: bad, tool_uses: [], ill_formed: true });
    expect(r.ill_formed_reason).toMatch(/does not parse/);
    expect(parseModelOutput('<tool_call>\n{"name": "rm_rf", "arguments": {}}\n</tool_call>', tools, end)).toMatchObject({ ill_formed: true, ill_formed_reason: 'unknown tool "rm_rf"' });
    expect(parseModelOutput('<tool_call>\n{"name": "bash", "arguments": {"cmd": "l', tools, end)).toMatchObject({ ill_formed: true, tool_uses: [] });
  });

  it("without tools in the request, tool-call text is just text", () => {
    const raw = '<tool_call>\n{"name": "bash", "arguments": {}}\n</tool_call>';
    expect(parseModelOutput(raw, null, end)).toEqual({ reasoning: "", text: raw, tool_uses: [], ill_formed: false });
  });
});
