// Builds a small byte-level BPE tokenizer.json (Qwen/GPT-2 style) for tests, so
// they exercise real tokenization without downloading a model.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/** GPT-2's reversible byte -> printable character map. */
function bytesToUnicode(): Map<number, string> {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  return new Map(bs.map((b, i) => [b, String.fromCodePoint(cs[i]!)]));
}

export const SPECIAL_TOKENS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"] as const;

export function tinyTokenizerJson(): Record<string, unknown> {
  const b2u = bytesToUnicode();
  const vocab: Record<string, number> = {};
  for (let b = 0; b < 256; b++) vocab[b2u.get(b)!] = b;
  const G = b2u.get(32)!; // "Ġ" (space)
  const C = b2u.get(10)!; // "Ċ" (newline)
  const merges: [string, string][] = [
    [G, "t"],
    ["h", "e"],
    [G + "t", "he"],
    ["i", "n"],
    ["a", "n"],
    ["e", "r"],
    [C, C],
    ["p", "r"],
    ["pr", "in"],
    ["prin", "t"],
  ];
  let id = 256;
  for (const [a, b] of merges) vocab[a + b] = id++;
  const added = SPECIAL_TOKENS.map((content) => ({
    id: id++,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: true },
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}

/** Writes tokenizer.json (+ a minimal tokenizer_config.json) into `dir`. */
export async function writeTinyTokenizer(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "tokenizer.json"), JSON.stringify(tinyTokenizerJson()));
  await writeFile(path.join(dir, "tokenizer_config.json"), JSON.stringify({ model_max_length: 32768 }));
  return dir;
}
