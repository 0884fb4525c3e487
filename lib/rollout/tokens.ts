import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";

// Token accounting for a rollout. With a Hugging Face tokenizer.json the counts,
// ids and loss mask are what the trainer would see; without one every count is
// an estimate and is labelled so (never silently wrong).

export interface TokenCounter {
  /** true: real tokenizer; false: estimate from characters. */
  readonly exact: boolean;
  readonly source: string;
  count(text: string): number;
  /** Real tokenizers only. add_special_tokens=false, as slime calls it. */
  encode?(text: string): number[];
  decode?(ids: number[]): string;
  /** Display string of each token (one decode per id). */
  pieces?(ids: number[]): string[];
}

export type TokenizerLoad = { ok: true; tokenizer: TokenCounter } | { ok: false; error: string };

/** Rough BPE average for English/maths/code: about 4 characters (code points) per token. */
export const APPROX_CHARS_PER_TOKEN = 4;

export const approximateCounter: TokenCounter = {
  exact: false,
  source: "estimate (≈4 characters per token; set a tokenizer for exact counts)",
  count(text: string): number {
    let n = 0;
    for (const _ of text) n++;
    return Math.ceil(n / APPROX_CHARS_PER_TOKEN);
  },
};

/** Wraps a loaded tokenizer. Exported for tests that build one in memory. */
export function counterFromTokenizer(tok: Tokenizer, source: string): TokenCounter {
  const encode = (text: string): number[] => tok.encode(text, { add_special_tokens: false }).ids;
  const decode = (ids: number[]): string =>
    tok.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  return {
    exact: true,
    source,
    count: (text) => encode(text).length,
    encode,
    decode,
    pieces: (ids) => ids.map((id) => decode([id])),
  };
}

const cache = new Map<string, Promise<TokenizerLoad>>();

/** Loads `<dir>/tokenizer.json` (+ tokenizer_config.json when present). Cached per directory. */
export function loadTokenizer(dir: string): Promise<TokenizerLoad> {
  const abs = path.resolve(dir);
  let p = cache.get(abs);
  if (!p) {
    p = loadUncached(abs);
    cache.set(abs, p);
    // A failed load may be fixed on disk; try again next time.
    void p.then((r) => {
      if (!r.ok) cache.delete(abs);
    });
  }
  return p;
}

async function loadUncached(dir: string): Promise<TokenizerLoad> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path.join(dir, "tokenizer.json"), "utf8"));
  } catch (e) {
    return { ok: false, error: `Cannot read ${path.join(dir, "tokenizer.json")}: ${(e as Error).message}` };
  }
  let config: unknown = {};
  try {
    config = JSON.parse(await readFile(path.join(dir, "tokenizer_config.json"), "utf8"));
  } catch {
    // optional: tokenizer.json alone is enough for encode/decode
  }
  try {
    const tok = new Tokenizer(json as object, config as object);
    return { ok: true, tokenizer: counterFromTokenizer(tok, `tokenizer.json in ${dir}`) };
  } catch (e) {
    return { ok: false, error: `Cannot load the tokenizer in ${dir}: ${(e as Error).message}` };
  }
}

/** The tokenizer to use: the session's directory, else the env default, else the estimate. */
export async function resolveTokenizer(
  dir: string | undefined,
): Promise<{ tokenizer: TokenCounter; warning?: string }> {
  if (!dir) return { tokenizer: approximateCounter };
  const r = await loadTokenizer(dir);
  if (r.ok) return { tokenizer: r.tokenizer };
  return { tokenizer: approximateCounter, warning: `${r.error}. Token counts are estimates.` };
}
