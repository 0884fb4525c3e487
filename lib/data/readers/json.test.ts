import { describe, expect, it } from "vitest";
import { parseRecord } from "./json";

const rec = (text: string) => ({ offset: 0, length: Buffer.byteLength(text), line: 3, bytes: Buffer.from(text) });

describe("parseRecord", () => {
  it("reads Python's json dialect: NaN, Infinity and -Infinity, at index time and on read", () => {
    const line = '{"reward": NaN, "tokens": [1, 2, 3], "loss_mask": [1, 1, 0], "metadata": {"x": Infinity, "y": -Infinity}, "s": "NaN stays text"}';
    for (const forIndex of [true, false]) {
      const p = parseRecord(rec(line), 0, 1 << 20, forIndex);
      expect(p.problems).toEqual([]);
      const v = p.value as { reward: number; metadata: { x: number; y: number }; s: string };
      expect(Number.isNaN(v.reward)).toBe(true);
      expect(v.metadata).toEqual({ x: Infinity, y: -Infinity });
      expect(v.s).toBe("NaN stays text");
    }
  });

  it("still reports malformed JSON with JSON.parse's message", () => {
    const p = parseRecord(rec('{"reward": NaN, "a": }'), 0, 1 << 20, true);
    expect(p.value).toBeUndefined();
    expect(p.problems[0]).toMatchObject({ kind: "malformed_json", line: 3 });
    expect(parseRecord(rec('{"a": nan}'), 0, 1 << 20).problems[0]?.kind).toBe("malformed_json");
  });
});
