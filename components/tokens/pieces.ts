// The one shape every token view draws: a piece of text with its loss mask (null = prompt) and,
// when the rollout recorded it, its logprob. Isomorphic and pure.

export interface TokenPiece {
  /** The token's text (by offsets, so a multi-byte character is never cut), or a span when estimated. */
  text: string;
  /** 1 trained (model), 0 not trained (observation), null prompt. */
  mask: 0 | 1 | null;
  logprob?: number;
  id?: number;
  /** Why the token has its mask ("tool output", "re-emitted as context", …), shown on hover. */
  note?: string;
  /** A boundary before this token (a drift), drawn as a marker with this explanation. */
  mark?: string;
}

/** A slime sample's arrays (tokens = prompt + response, loss_mask and logprobs over the response) as pieces. */
export function samplePieces(s: {
  tokens: number[];
  lossMask: number[];
  logprobs?: number[] | null;
  /** Text of each token; ids stand in where absent. */
  texts?: string[] | null;
}): { pieces: TokenPiece[]; warnings: string[] } {
  const { tokens, lossMask, logprobs, texts } = s;
  const promptLen = Math.max(0, tokens.length - lossMask.length);
  const warnings: string[] = [];
  if (tokens.length < lossMask.length) warnings.push(`loss_mask (${lossMask.length}) is longer than tokens (${tokens.length})`);
  if (logprobs && logprobs.length !== lossMask.length)
    warnings.push(`rollout_log_probs has ${logprobs.length} values for ${lossMask.length} response tokens`);
  const pieces = tokens.map((id, i): TokenPiece => {
    const text = texts?.[i] ?? String(id);
    if (i < promptLen) return { text, mask: null, id };
    const r = i - promptLen;
    const lp = logprobs?.[r];
    return { text, mask: (lossMask[r] ?? 0) > 0 ? 1 : 0, id, ...(lp !== undefined && Number.isFinite(lp) ? { logprob: lp } : {}) };
  });
  return { pieces, warnings };
}

export interface PieceStats {
  prompt: number;
  response: number;
  trained: number;
  untrained: number;
  meanLogprob: number | null;
  minLogprob: number | null;
}

export function pieceStats(pieces: readonly TokenPiece[]): PieceStats {
  let prompt = 0;
  let trained = 0;
  let sum = 0;
  let n = 0;
  let min = Infinity;
  for (const p of pieces) {
    if (p.mask === null) prompt++;
    else if (p.mask === 1) {
      trained++;
      if (p.logprob !== undefined) {
        sum += p.logprob;
        n++;
        min = Math.min(min, p.logprob);
      }
    }
  }
  const response = pieces.length - prompt;
  return { prompt, response, trained, untrained: response - trained, meanLogprob: n ? sum / n : null, minLogprob: n ? min : null };
}
