import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approximateCounter, loadTokenizer, resolveTokenizer } from "./tokens";
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
    if (!r.ok) throw new Error(r.error);
    const t = r.tokenizer;
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
    expect(missing.ok).toBe(false);
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
