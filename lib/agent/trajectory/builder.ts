// One trainable Sample's tokens, accumulated turn by turn as slime's _SampleBuilder does, plus
// the provenance of every token range (which the Agents page explains; slime keeps none of it).
import type { TurnRecord } from "./schema";

export const driftKinds = ["clean", "realign", "fork"] as const;
export type DriftKind = (typeof driftKinds)[number];

/** Why a token has the loss mask it has. */
export const tokenKinds = ["prompt", "tool_output", "trained", "context", "healed"] as const;
export type TokenKind = (typeof tokenKinds)[number];
export const tokenKindLabel: Record<TokenKind, string> = {
  prompt: "prompt",
  tool_output: "tool output",
  trained: "trained",
  context: "re-emitted as context",
  healed: "healed after drift",
};

/** A run of tokens `[start, end)` of one kind, from one turn. */
export interface TokenSpan {
  start: number;
  end: number;
  kind: TokenKind;
  /** The generated turn this span belongs to (its prompt tail or its output). */
  turn_index: number | null;
  node_id: number | null;
}

/** A drift `classify_token_drift` found: where the prompt left the held tokens. */
export interface DriftEvent {
  kind: Exclude<DriftKind, "clean">;
  turn_index: number | null;
  node_id: number | null;
  /** Common prefix length of the held tokens and the turn's prompt (the drift boundary). */
  at: number;
  /** Held tokens at the time (drift = held - at). */
  held: number;
  /** REALIGN: the response span that was overwritten, `[response_start, held)`. */
  response_start?: number;
}

/** One kind per token (`undefined` past the spans), for a per-token view. */
export function tokenKindsOf(spans: readonly TokenSpan[], n: number): (TokenKind | undefined)[] {
  const out = new Array<TokenKind | undefined>(n).fill(undefined);
  for (const s of spans) for (let i = s.start; i < Math.min(s.end, n); i++) out[i] = s.kind;
  return out;
}

export function commonPrefixLen(a: readonly number[], b: readonly number[]): number {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a[i] === b[i]) i++;
  return i;
}

export interface TurnSource {
  turn_index: number | null;
  node_id: number | null;
  /** Kind of the prompt tail appended before this turn's output (what the new messages were). */
  tailKind: "prompt" | "tool_output";
}

export class SampleBuilder {
  readonly tokens: number[] = [];
  readonly lossMask: number[] = [];
  readonly logprobs: number[] = [];
  readonly spans: TokenSpan[] = [];
  readonly turnIndices: (number | null)[] = [];
  readonly realigns: DriftEvent[] = [];
  lastResponseStart: number | null = null;
  leadingPromptLen = 0;

  constructor(
    private readonly forkThreshold: number,
    /** The FORK that opened this builder (none for a chain's first). */
    readonly openedBy: DriftEvent | null = null,
  ) {}

  classify(turn: TurnRecord): { kind: DriftKind; at: number } {
    const at = commonPrefixLen(this.tokens, turn.prompt_ids);
    if (this.tokens.length - at === 0) return { kind: "clean", at };
    const start = this.lastResponseStart;
    // Only a short divergence inside the most recent response span heals; anything else forks.
    if (start !== null && at >= start && turn.output_ids.length < this.forkThreshold) return { kind: "realign", at };
    return { kind: "fork", at };
  }

  appendTurn(turn: TurnRecord, kind: Exclude<DriftKind, "fork">, trained: boolean, src: TurnSource, at = 0): void {
    const isFirst = this.lastResponseStart === null;
    if (kind === "realign") {
      const start = this.lastResponseStart!;
      const held = this.tokens.length;
      this.realigns.push({ kind: "realign", turn_index: src.turn_index, node_id: src.node_id, at, held, response_start: start });
      const tail = turn.prompt_ids.slice(start);
      this.truncate(start);
      this.push(tail, 0, null);
      // The old response's place is now prompt context; what follows it is the new tail.
      const healedEnd = Math.min(held, this.tokens.length);
      this.span(start, healedEnd, "healed", src);
      this.span(healedEnd, this.tokens.length, src.tailKind, src);
    } else {
      const from = this.tokens.length;
      this.push(turn.prompt_ids.slice(from), 0, null);
      this.span(from, this.tokens.length, isFirst ? "prompt" : src.tailKind, src);
    }
    this.lastResponseStart = this.tokens.length;
    const from = this.tokens.length;
    this.push(turn.output_ids, trained ? 1 : 0, trained ? turn.output_log_probs : null);
    this.span(from, this.tokens.length, trained ? "trained" : "context", src);
    this.turnIndices.push(src.turn_index);
    if (isFirst) this.leadingPromptLen = turn.prompt_ids.length;
  }

  hasTrainedResponse(): boolean {
    for (let i = this.leadingPromptLen; i < this.lossMask.length; i++) if (this.lossMask[i]) return true;
    return false;
  }

  private push(ids: readonly number[], mask: number, logprobs: readonly number[] | null): void {
    const lp = logprobs && logprobs.length ? logprobs : null;
    for (let i = 0; i < ids.length; i++) {
      this.tokens.push(ids[i]!);
      this.lossMask.push(mask);
      this.logprobs.push(lp ? lp[i]! : 0);
    }
  }

  private truncate(n: number): void {
    this.tokens.length = n;
    this.lossMask.length = n;
    this.logprobs.length = n;
    while (this.spans.length && this.spans[this.spans.length - 1]!.start >= n) this.spans.pop();
    const last = this.spans[this.spans.length - 1];
    if (last && last.end > n) last.end = n;
  }

  private span(start: number, end: number, kind: TokenKind, src: TurnSource): void {
    if (end > start) this.spans.push({ start, end, kind, turn_index: src.turn_index, node_id: src.node_id });
  }
}
