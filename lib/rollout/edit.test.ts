import { describe, expect, it } from "vitest";
import { replaceCodeInTurn } from "./edit";
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

  it("refuses a turn without code", () => {
    expect(replaceCodeInTurn("Answer: \\boxed{3}", "print(1)").ok).toBe(false);
    expect(replaceCodeInTurn("just words", "print(1)").ok).toBe(false);
  });
});
