import { describe, expect, it } from "vitest";
import { diffLines, sideBySide } from "./diff";

function apply(ops: ReturnType<typeof diffLines>): { a: string; b: string } {
  return {
    a: ops.filter((o) => o.op !== "insert").map((o) => o.text).join("\n"),
    b: ops.filter((o) => o.op !== "delete").map((o) => o.text).join("\n"),
  };
}

describe("diffLines", () => {
  it("reconstructs both sides and finds a minimal edit", () => {
    const a = "one\ntwo\nthree\nfour";
    const b = "one\n2\nthree\nfour\nfive";
    const ops = diffLines(a, b);
    expect(apply(ops)).toEqual({ a, b });
    expect(ops.filter((o) => o.op !== "equal").map((o) => `${o.op}:${o.text}`)).toEqual(["delete:two", "insert:2", "insert:five"]);
  });
  it("handles empty and identical inputs", () => {
    expect(diffLines("x", "x")).toEqual([{ op: "equal", a: 0, b: 0, text: "x" }]);
    expect(apply(diffLines("", "a\nb"))).toEqual({ a: "", b: "a\nb" });
  });
  it("pairs replacements side by side", () => {
    const rows = sideBySide(diffLines("a\nb\nc", "a\nB\nc"));
    expect(rows.map((r) => [r.left?.text ?? null, r.right?.text ?? null])).toEqual([["a", "a"], ["b", "B"], ["c", "c"]]);
  });
  it("survives random inputs", () => {
    let seed = 7;
    const r = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);
    for (let t = 0; t < 50; t++) {
      const a = Array.from({ length: Math.floor(r() * 20) }, () => "abc"[Math.floor(r() * 3)]).join("\n");
      const b = Array.from({ length: Math.floor(r() * 20) }, () => "abc"[Math.floor(r() * 3)]).join("\n");
      expect(apply(diffLines(a, b))).toEqual({ a, b });
    }
  });
});
