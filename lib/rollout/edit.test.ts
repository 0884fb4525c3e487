import { describe, expect, it } from "vitest";
import { replaceCodeInJson, replaceCodeInTurn } from "./edit";
import { postprocessPredictions } from "./parse";

describe("replaceCodeInTurn", () => {
  const code = 'x = "a\\tb"\nprint(x, 6 * 8)';
  it.each([
    ['Let me check.\n<tool_call>\n{"name": "code_interpreter", "arguments": {"code": "print(6 * 7)"}}\n</tool_call>', "tool_call"],
    ["Let me check.\n<code>\nprint(6 * 7)\n</code>", "code tag"],
    ["Let me check.\n```python\nprint(6 * 7)\n```", "python block"],
  ])("puts new code where slime's parser finds it (%#: %s)", (text) => {
    const r = replaceCodeInTurn(text, code);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.startsWith("Let me check.\n")).toBe(true);
    expect(postprocessPredictions(r.value)).toEqual({ action: "code", content: code });
  });

  it("changes only the code: the model's spacing and key order stay, so the other tokens do too", () => {
    const turn = 'Let me check.\n<tool_call>\n{"name": "code_interpreter", "arguments": {"code": "print(6 * 7)"}}\n</tool_call>';
    const r = replaceCodeInTurn(turn, "print(6 * 8)");
    expect(r.ok && r.value).toBe('Let me check.\n<tool_call>\n{"name": "code_interpreter", "arguments": {"code": "print(6 * 8)"}}\n</tool_call>');
    // A raw newline inside the model's string (slime escapes it before parsing) is found too.
    const raw = '<tool_call>\n{"arguments": {"code": "x = 1\nprint(x)"},  "name": "code_interpreter"}\n</tool_call>';
    const r2 = replaceCodeInTurn(raw, "print(2)");
    expect(r2.ok && r2.value).toBe('<tool_call>\n{"arguments": {"code": "print(2)"},  "name": "code_interpreter"}\n</tool_call>');
    const tag = replaceCodeInTurn("See <code>print(1)</code> now", "print(2)");
    expect(tag.ok && tag.value).toBe("See <code>print(2)</code> now");
    expect(replaceCodeInJson('{"code": "a", "note": "keep  this"}', "a", 'b"c')).toBe('{"code": "b\\"c", "note": "keep  this"}');
  });

  it("refuses a turn without code", () => {
    expect(replaceCodeInTurn("Answer: \\boxed{3}", "print(1)").ok).toBe(false);
    expect(replaceCodeInTurn("just words", "print(1)").ok).toBe(false);
  });
});
