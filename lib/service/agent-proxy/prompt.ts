import "server-only";
import { Template } from "@huggingface/jinja";
import { appError } from "@/lib/errors";
import { globalStore } from "@/lib/global-store";
import { err, ok, type Result } from "@/lib/result";
import { configuredTokenizer, embeddedTokenizer, type TokenCounter } from "@/lib/rollout/tokens";
import type { TemplateMessage, TemplateTool } from "./messages";
import { renderQwen3, type TemplateKwargs } from "./qwen3-template";

// The prompt of one agent turn: the message history rendered with the served model's chat template
// and tokenized, as slime's `tokenizer.apply_chat_template(messages, tools=…, tokenize=True,
// add_generation_prompt=True)`. Two things keep a long history cheap, since an agent resends all of
// it every turn: Qwen3's template runs as code (qwen3-template.ts) and tokenization is cached per
// segment. A tokenizer splits its input at special tokens before BPE, so the ids of the text before
// a special token never depend on what follows it; the text is cut in front of every special token,
// and each piece's ids are looked up by its text, so a turn encodes only what is new.

export interface PromptEncoder {
  /** Tokenizer and template, for a person. */
  readonly source: string;
  /** "qwen3" (the shipped template, run as code) or "jinja" (any other template, interpreted). */
  readonly templateKind: "qwen3" | "jinja";
  /** `kwargs`: the caller's chat_template_kwargs (e.g. `enable_thinking`), as transformers passes them. */
  render(messages: readonly TemplateMessage[], tools: readonly TemplateTool[] | null, addGenerationPrompt?: boolean, kwargs?: TemplateKwargs): Result<string>;
  /** Token ids of rendered text, equal to encoding it whole. */
  encode(text: string): number[];
  decode(ids: number[]): string;
  pieces(ids: number[]): string[];
  /** Special tokens that end a turn (`<|im_end|>`, `<|endoftext|>`): cut from the end of the text, never from the ids. */
  readonly endTokens: readonly string[];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Caps the cached segment text (characters) per encoder; the oldest entries go first. */
const SEGMENT_CACHE_CHARS = 64 * 1024 * 1024;

export function segmentedEncoder(encodeWhole: (text: string) => number[], specialTokens: readonly string[]): (text: string) => number[] {
  const specials = [...specialTokens].filter(Boolean).sort((a, b) => b.length - a.length);
  if (!specials.length) return encodeWhole;
  const splitter = new RegExp(specials.map(escapeRe).join("|"), "g");
  const cache = new Map<string, number[]>();
  let cachedChars = 0;
  const lookup = (seg: string): number[] => {
    const hit = cache.get(seg);
    if (hit) return hit;
    const ids = encodeWhole(seg);
    // Short segments too (`<|im_end|>\n` recurs hundreds of times a prompt): a tokenizer call costs
    // tens of microseconds whatever its length.
    cache.set(seg, ids);
    cachedChars += seg.length + 64;
    if (cachedChars > SEGMENT_CACHE_CHARS) {
      for (const k of cache.keys()) {
        cache.delete(k);
        cachedChars -= k.length + 64;
        if (cachedChars <= SEGMENT_CACHE_CHARS / 2) break;
      }
    }
    return ids;
  };
  // The previous call's segments and their ids: an agent resends the same history each turn, so
  // its leading segments are checked in place (startsWith, no slicing or hashing) and reused.
  let prevSegs: string[] = [];
  let prevIds: number[][] = [];
  const specialAt = new RegExp(specials.map(escapeRe).join("|"), "y");
  return (text: string) => {
    const segs: string[] = [];
    const parts: number[][] = [];
    let pos = 0;
    let k = 0;
    while (k < prevSegs.length && text.startsWith(prevSegs[k]!, pos)) pos += prevSegs[k++]!.length;
    // A matched segment keeps its boundary only if a special token (or the end) follows it here.
    const boundary = (at: number) => {
      if (at === text.length) return true;
      specialAt.lastIndex = at;
      return specialAt.test(text);
    };
    while (k > 0 && !boundary(pos)) pos -= prevSegs[--k]!.length;
    for (let j = 0; j < k; j++) {
      segs.push(prevSegs[j]!);
      parts.push(prevIds[j]!);
    }
    let start = pos;
    splitter.lastIndex = pos;
    // Each segment runs from one special token to the next.
    for (let m = splitter.exec(text); m; m = splitter.exec(text)) {
      if (m.index > start) {
        const seg = text.slice(start, m.index);
        segs.push(seg);
        parts.push(lookup(seg));
      }
      start = m.index;
    }
    if (start < text.length) {
      const seg = text.slice(start);
      segs.push(seg);
      parts.push(lookup(seg));
    }
    prevSegs = segs;
    prevIds = parts;
    return concatIds(parts);
  };
}

/** One array of many: concat copies in bulk, several times faster than pushing id by id. */
function concatIds(parts: number[][]): number[] {
  const CHUNK = 8192; // stays far below the engine's limit on spread arguments
  if (parts.length <= CHUNK) return ([] as number[]).concat(...parts);
  let out: number[] = [];
  for (let i = 0; i < parts.length; i += CHUNK) out = out.concat(...parts.slice(i, i + CHUNK));
  return out;
}

function buildEncoder(tok: TokenCounter, template: string, qwen3Template: string | undefined): Result<PromptEncoder> {
  if (!tok.exact || !tok.encode || !tok.decode || !tok.pieces) {
    return err(appError("unavailable:tokenizer", "The agent proxy needs the model's real tokenizer (tokenizer.json); none loaded."));
  }
  const encodeWhole = tok.encode;
  const specials = tok.specialTokens ?? [];
  const endTokens = [tok.eosToken, "<|im_end|>", "<|endoftext|>", "<|eot_id|>"].filter(
    (t): t is string => typeof t === "string" && specials.includes(t),
  );
  const native = qwen3Template !== undefined && template.trim() === qwen3Template.trim();
  let compiled: Template | undefined;
  const render = (messages: readonly TemplateMessage[], tools: readonly TemplateTool[] | null, addGenerationPrompt = true, kwargs: TemplateKwargs = {}): Result<string> => {
    try {
      if (native) return ok(renderQwen3(messages, tools, addGenerationPrompt, kwargs));
      compiled ??= new Template(template);
      return ok(
        compiled.render({
          ...kwargs,
          messages: messages as unknown as Record<string, unknown>[],
          ...(tools && tools.length ? { tools: tools as unknown as Record<string, unknown>[] } : {}),
          add_generation_prompt: addGenerationPrompt,
          ...(tok.eosToken ? { eos_token: tok.eosToken } : {}),
        }),
      );
    } catch (e) {
      return err(appError("bad_request:chat_template", `The chat template did not render these messages: ${(e as Error).message}`));
    }
  };
  return ok({
    source: `${tok.source}; chat template ${native ? "Qwen3 (run as code)" : "from tokenizer_config.json (Jinja)"}`,
    templateKind: native ? "qwen3" : "jinja",
    render,
    encode: segmentedEncoder(encodeWhole, specials),
    decode: tok.decode,
    pieces: tok.pieces,
    endTokens,
  });
}

/** The encoder for PLAYGROUND_TOKENIZER_DIR, else Qwen3's shipped tokenizer. Built once per process. */
export function promptEncoder(): Promise<Result<PromptEncoder>> {
  return globalStore("agent-prompt-encoder", () =>
    (async (): Promise<Result<PromptEncoder>> => {
      const { tokenizer, warning } = await configuredTokenizer();
      if (!tokenizer.exact) return err(appError("unavailable:tokenizer", warning ?? "No tokenizer loaded."));
      if (!tokenizer.chatTemplate) {
        return err(appError("unavailable:chat_template", `${tokenizer.source} has no chat_template in tokenizer_config.json; the agent proxy needs one.`));
      }
      const embedded = await embeddedTokenizer();
      return buildEncoder(tokenizer, tokenizer.chatTemplate, embedded.ok ? embedded.value.chatTemplate : undefined);
    })(),
  );
}

export { buildEncoder };
