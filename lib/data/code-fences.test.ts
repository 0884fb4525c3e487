import { describe, expect, it } from "vitest";
import { hasCodeFence, stripCodeFences } from "./code-fences";

describe("code fences", () => {
  it("takes the code out of a ```python fence", () => {
    const cell = "```python\nprint(1 + 1)\n```";
    expect(hasCodeFence(cell)).toBe(true);
    expect(stripCodeFences(cell)).toBe("print(1 + 1)");
  });
  it("joins several blocks and drops the prose around them", () => {
    expect(stripCodeFences("First:\n```py\na = 2\n```\nthen\n```\nprint(a)\n```\n")).toBe("a = 2\nprint(a)");
  });
  it("leaves code without a complete fence as it is", () => {
    for (const code of ["print(1)", "s = '```'", "```python\nprint(1)"]) {
      expect(hasCodeFence(code)).toBe(false);
      expect(stripCodeFences(code)).toBe(code);
    }
  });
});
