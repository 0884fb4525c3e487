// The index-time parse (json-skim.ts) against the full parse, over many generated lines: the value
// must be the full parse's with the counted arrays emptied, and the row summary must be the same,
// field for field, in every record format. Broken lines must fall back to the full parse's verdict.
import { describe, expect, it } from "vitest";
import { normalizeRecord } from "../normalize";
import { rng } from "../testing/fixtures";
import { summaryOf } from "../summary";
import { datasetFormats } from "../types";
import { parseRecord } from "./json";
import { countedFields, skimObject } from "./json-skim";

const MAX = 1 << 20;
const rec = (bytes: Buffer, line = 7) => ({ offset: 100, length: bytes.length, line, bytes });

/** A generator of JSON Lines records in the shapes (and corners) RL files have. */
function lines(seed: number) {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const ws = () => pick(["", "", "", " ", "  ", "\t", " \n ", "\r\n"]);
  const fieldNames = [...countedFields, "prompt", "response", "reward", "status", "metadata", "index", "group_index", "tool_call_count", "response_length", "label", "messages", "input", "output", "score", "acc", "gts"];
  const numberText = (): string =>
    pick([
      () => String(Math.floor(rand() * 151000)),
      () => "0",
      () => "-0",
      () => "1e-7",
      () => "-1.5E+3",
      () => "2.5e10",
      () => (-rand() * 4).toFixed(5),
      () => String(rand()),
      () => "12345678901234567890123",
      () => "1e400",
    ])();
  const numArray = (python: boolean): string => {
    const n = Math.floor(rand() * 12);
    const items = Array.from({ length: n }, () => {
      const r = rand();
      if (python && r < 0.1) return pick(["NaN", "Infinity", "-Infinity"]);
      if (r < 0.04) return "null";
      return numberText();
    });
    return `[${ws()}${items.join(`${ws()},${ws()}`)}${ws()}]`;
  };
  const str = (): string => {
    const parts = [
      "plain text",
      '"tokens":[1,2,3]',
      "\\u0074okens",
      "ends with a backslash \\",
      '"loss_mask": [0, 1]}',
      "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
      "Answer: \\boxed{4}",
      "ü ≤ 日本 😀",
      "\u0000\u001f",
      "NaN Infinity",
      "<interpreter>\nError: boom\n</interpreter>",
      "<code>\nprint(1)\n</code>\n\n<interpreter>\nOutput:\n1\n</interpreter>",
      "[1, 2, 3]",
      "{",
    ];
    let s = "";
    const k = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < k; i++) s += pick(parts);
    return JSON.stringify(s);
  };
  const value = (depth: number, python: boolean): string => {
    const r = rand();
    if (r < 0.25) return str();
    if (r < 0.4) return numberText();
    if (r < 0.45) return pick(["true", "false", "null"]);
    if (python && r < 0.5) return pick(["NaN", "Infinity", "-Infinity"]);
    if (r < 0.6) return numArray(python);
    if (depth > 2) return str();
    if (r < 0.8) return object(depth + 1, python);
    return `[${Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1, python)).join(",")}]`;
  };
  const key = (): string => {
    const r = rand();
    if (r < 0.75) return JSON.stringify(pick(fieldNames));
    if (r < 0.8) return '"\\u0074okens"';
    if (r < 0.85) return JSON.stringify(String(Math.floor(rand() * 20))); // integer-like keys sort first
    return JSON.stringify(`extra_${Math.floor(rand() * 5)}`);
  };
  const object = (depth: number, python: boolean): string => {
    const n = Math.floor(rand() * (depth === 0 ? 14 : 4));
    const members: string[] = [];
    for (let i = 0; i < n; i++) {
      const k = key();
      const counted = countedFields.some((f) => k === `"${f}"`);
      const v = counted && rand() < 0.8 ? numArray(python) : value(depth, python);
      members.push(`${ws()}${k}${ws()}:${ws()}${v}${ws()}`);
    }
    return `{${members.join(",")}${n ? "" : ws()}}`;
  };
  const slimeLike = (python: boolean): string => {
    const members = [
      `"group_index":${Math.floor(rand() * 9)}`,
      `"index":${Math.floor(rand() * 99)}`,
      `"prompt":${str()}`,
      `"tokens":${numArray(python)}`,
      `"response":${str()}`,
      `"response_length":${pick(["3", "null", '"7"', "2.5"])}`,
      `"reward":${pick(["1", "-1", "0.5", '{"score": 1, "acc": true, "pred": "4"}', "null", '"high"', python ? "NaN" : "0", python ? "-Infinity" : "1e-7"])}`,
      `"loss_mask":${numArray(python)}`,
      `"rollout_log_probs":${numArray(python)}`,
      `"status":${pick(['"completed"', '"truncated"', "null", "3"])}`,
      `"metadata":${pick(['{"tool_call_count": 2, "acc": 1}', '{"tokens": [1, 2], "loss_mask": [1]}', "[]", "null"])}`,
    ];
    // Shuffle some, duplicate some.
    for (let i = members.length - 1; i > 0; i--) {
      if (rand() < 0.3) {
        const j = Math.floor(rand() * (i + 1));
        [members[i], members[j]] = [members[j]!, members[i]!];
      }
    }
    if (rand() < 0.2) members.push(`"${pick(countedFields)}":${rand() < 0.5 ? numArray(python) : str()}`);
    return `{${members.join(`,${ws()}`)}}`;
  };
  const corrupt = (line: string): string => {
    const at = Math.floor(rand() * line.length);
    return pick([
      () => line.slice(0, at),
      () => line.slice(0, at) + pick([",", "]", "}", '"', "x", "01", "1.", "-", "1e", "+1", ".5", "--1", "\\", " ", "[", "{"]) + line.slice(at),
      () => line.slice(0, at) + line.slice(at + 1),
      () => line.replace(/\d(,|\])/, (m, d: string) => `.${d}`),
      () => line.replace(/\[\d/, "[0"),
      () => line.replace(/,(\d)/, ",,$1"),
      () => line.replace(/(\d)\]/, "$1,]"),
      () => `${line}x`,
      () => `${line} ${line}`,
    ])();
  };
  return (): Buffer => {
    const python = rand() < 0.15;
    let line = rand() < 0.6 ? slimeLike(python) : object(0, python);
    if (rand() < 0.2) line = corrupt(line);
    if (rand() < 0.05) line = pick(["[1, 2, 3]", '"a string"', "42", " ", "\ufeff{}", "{}"]);
    let bytes = Buffer.from(line);
    // Invalid UTF-8 inside a string.
    if (rand() < 0.03) {
      const q = bytes.indexOf('"x', 0) >= 0 ? bytes.indexOf('"', 1) : -1;
      if (q > 0) bytes = Buffer.concat([bytes.subarray(0, q + 1), Buffer.from([0xc3, 0x28, 0xff]), bytes.subarray(q + 1)]);
    }
    return bytes;
  };
}

/** The full parse's value with the counted top-level arrays emptied, as the index keeps it. */
function emptied(v: unknown, lens: Map<string, number> | undefined): unknown {
  if (!lens || typeof v !== "object" || v === null || Array.isArray(v)) return v;
  const o = { ...(v as Record<string, unknown>) };
  for (const k of lens.keys()) o[k] = [];
  return o;
}

describe("index-time parse (json-skim)", () => {
  it("gives the full parse's value and summary, field for field, over generated lines", () => {
    const next = lines(42);
    let skimmed = 0;
    let counted = 0;
    let broken = 0;
    for (let row = 0; row < 6000; row++) {
      const bytes = next();
      const fast = parseRecord(rec(bytes), row, MAX, true);
      const full = parseRecord(rec(bytes), row, MAX, false);
      if (skimObject(bytes)) skimmed++;
      if (fast.lens) counted++;
      if (full.value === undefined) broken++;
      const ctx = { line: bytes.toString("latin1"), row };
      // Parsed or not, with the same flags and problems.
      expect({ flags: fast.flags, problems: fast.problems, parsed: fast.value !== undefined }, JSON.stringify(ctx)).toEqual({ flags: full.flags, problems: full.problems, parsed: full.value !== undefined });
      if (full.value === undefined) continue;
      expect(fast.value, JSON.stringify(ctx)).toEqual(emptied(full.value, fast.lens));
      // Each length kept is the full array's length, and the array was plain numbers.
      for (const [k, n] of fast.lens ?? []) {
        const a = (full.value as Record<string, unknown>)[k];
        expect(Array.isArray(a) && a.length === n && a.every((x) => typeof x === "number"), `${k} in ${ctx.line}`).toBe(true);
      }
      for (const format of datasetFormats) {
        const sf = summaryOf(fast, normalizeRecord(format, fast.value, { row, line: 7 }), true);
        const sl = summaryOf(full, normalizeRecord(format, full.value, { row, line: 7 }), true);
        expect(sf, `${format}: ${ctx.line}`).toEqual(sl);
      }
    }
    // The generator reaches every branch: lines skimmed, arrays counted, lines refused.
    expect(skimmed).toBeGreaterThan(2500);
    expect(counted).toBeGreaterThan(1500);
    expect(broken).toBeGreaterThan(300);
  });

  it("counts only top-level arrays of plain JSON numbers", () => {
    const s = (t: string) => skimObject(Buffer.from(t));
    expect(s('{"tokens": [1, -0, 1e-7, 2.5E+3], "metadata": {"loss_mask": [1, 2]}, "response": "\\"tokens\\": [9]"}')).toEqual({
      text: '{"tokens": [], "metadata": {"loss_mask": [1, 2]}, "response": "\\"tokens\\": [9]"}',
      lens: new Map([["tokens", 4]]),
    });
    // Left as they are: null or NaN inside, a bad number, nesting.
    for (const arr of ["[1, null]", "[NaN]", "[01]", "[1.]", "[1,]", "[[1]]", '["1"]', "[-]", "[1e]"]) {
      expect(s(`{"loss_mask": ${arr}}`)?.lens.size ?? 0, arr).toBe(0);
    }
    // A later key of the same name that is not counted wins, as in JSON.parse.
    expect(s('{"tokens": [1, 2], "tokens": ["a"]}')?.lens.size).toBe(0);
    expect(s('{"tokens": ["a"], "tokens": [1, 2]}')?.lens.get("tokens")).toBe(2);
    // An escaped key, a non-object, trailing bytes: the full parse decides.
    expect(s('{"\\u0074okens": [1]}')).toBeNull();
    expect(s("[1, 2]")).toBeNull();
    expect(s('{"tokens": [1]} x')).toBeNull();
  });

  it("reads Python's NaN outside the counted arrays without the full parse", () => {
    const line = Buffer.from('{"reward": NaN, "tokens": [1, 2, 3], "loss_mask": [1, 1, 0], "score": -Infinity}');
    const p = parseRecord(rec(line), 0, MAX, true);
    expect(p.lens).toEqual(new Map([["tokens", 3], ["loss_mask", 3]]));
    const v = p.value as { reward: number; score: number; tokens: number[] };
    expect(Number.isNaN(v.reward)).toBe(true);
    expect(v.score).toBe(-Infinity);
    expect(v.tokens).toEqual([]);
  });
});
