import { describe, expect, it } from "vitest";
import { highlightPython } from "./highlight";

describe("highlightPython", () => {
  it("keeps every character and classifies tokens", () => {
    const code = 'for k in range(3):  # loop\n    print(f"{k}", 1.5e3)\n';
    const toks = highlightPython(code);
    expect(toks.map((t) => t.text).join("")).toBe(code);
    expect(toks.find((t) => t.text === "for")?.kind).toBe("kw");
    expect(toks.find((t) => t.text === "# loop")?.kind).toBe("com");
    expect(toks.find((t) => t.text === 'f"{k}"')?.kind).toBe("str");
    expect(toks.find((t) => t.text === "1.5e3")?.kind).toBe("num");
  });
});
