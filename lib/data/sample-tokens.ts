import "server-only";
import type { Result } from "@/lib/result";
import { err, ok } from "@/lib/result";
import { configuredTokenizer } from "@/lib/rollout/tokens";
import type { NormalizedSample } from "./types";

// Token ids for a sample whose file has none (chat SFT rows, verl dumps): prompt and response
// encoded with the server's tokenizer. The file records no loss mask, so every response token is
// marked trained and no logprobs are shown; the note says so.

export interface SampleTokens {
  tokens: number[];
  loss_mask: number[];
  pieces: string[] | null;
  note: string;
}

const MAX_CHARS = 2_000_000;

export async function computeSampleTokens(sample: Pick<NormalizedSample, "prompt" | "response">): Promise<Result<SampleTokens>> {
  if (sample.prompt.length + sample.response.length > MAX_CHARS) {
    return err({ code: "too_large:tokens", message: `This sample has more than ${MAX_CHARS.toLocaleString()} characters; it is not tokenized in the browser view.` });
  }
  const { tokenizer, warning } = await configuredTokenizer();
  if (!tokenizer.encode) {
    return err({ code: "unavailable:tokenizer", message: warning ?? "The server has no tokenizer. Set PLAYGROUND_TOKENIZER_DIR to a model directory with tokenizer.json." });
  }
  const prompt = tokenizer.encode(sample.prompt);
  const response = tokenizer.encode(sample.response);
  const tokens = [...prompt, ...response];
  let pieces: string[] | null = null;
  try {
    pieces = tokenizer.pieces && tokens.length <= 50_000 ? tokenizer.pieces(tokens) : null;
  } catch {
    pieces = null;
  }
  return ok({
    tokens,
    loss_mask: response.map(() => 1),
    pieces,
    note: `Computed with ${tokenizer.source}: the file records no token ids, so the loss mask is unknown (every response token is shown as trained).`,
  });
}
