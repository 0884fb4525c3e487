import "server-only";
import type { TokenCounter } from "./tokens";
import type { ObservationRecord, RolloutSample, TurnRecord } from "./transcript";

// The token accounting of one rollout, as slime keeps it: prompt ids, then response ids with a loss
// mask (1 on model tokens, 0 on observation tokens) and rollout logprobs (0.0 on observation tokens).
// Ids, mask and logprobs exist only while every piece was tokenized exactly; one approximate piece
// drops them for the rest of the rollout (counts stay, labelled approximate).

export function encodeOrCount(tok: TokenCounter, text: string): { ids?: number[]; count: number } {
  if (tok.encode) {
    const ids = tok.encode(text);
    return { ids, count: ids.length };
  }
  return { count: tok.count(text) };
}

export class TokenLedger {
  readonly promptCount: number;
  readonly promptIds?: number[];
  private responseCount_ = 0;
  private responseIds?: number[];
  private lossMask?: number[];
  /** Present while every model turn came with logprobs. */
  private logprobs?: number[];

  constructor(tok: TokenCounter, promptText: string) {
    const p = encodeOrCount(tok, promptText);
    this.promptCount = p.count;
    if (p.ids) {
      this.promptIds = p.ids;
      this.responseIds = [];
      this.lossMask = [];
      this.logprobs = [];
    }
  }

  get responseCount(): number {
    return this.responseCount_;
  }

  /** Prompt + response tokens so far (what the context budget is measured against). */
  get total(): number {
    return this.promptCount + this.responseCount_;
  }

  /** The ids to send as the next input, when every piece so far is exact. */
  inputIds(): number[] | undefined {
    return this.promptIds && this.responseIds ? [...this.promptIds, ...this.responseIds] : undefined;
  }

  get exactResponseIds(): readonly number[] | undefined {
    return this.responseIds;
  }

  addModelTurn(turn: TurnRecord): void {
    this.responseCount_ += turn.token_count;
    if (this.responseIds && turn.token_ids) {
      this.responseIds.push(...turn.token_ids);
      this.lossMask!.push(...turn.token_ids.map(() => 1));
      if (this.logprobs && turn.logprobs && turn.logprobs.length === turn.token_ids.length) this.logprobs.push(...turn.logprobs);
      else delete this.logprobs;
    } else this.dropIds();
  }

  addObservation(obs: ObservationRecord): void {
    this.responseCount_ += obs.token_count;
    if (this.responseIds && obs.token_ids) {
      this.responseIds.push(...obs.token_ids);
      this.lossMask!.push(...obs.token_ids.map(() => 0));
      // slime pads observation logprobs with 0.0 (masked out anyway).
      this.logprobs?.push(...obs.token_ids.map(() => 0));
    } else this.dropIds();
  }

  /** The sample's token fields (tokens + loss_mask, rollout_log_probs) where they are exact. */
  sampleFields(): Pick<RolloutSample, "tokens" | "loss_mask" | "rollout_log_probs"> {
    const ids = this.responseIds;
    return {
      ...(this.promptIds && ids ? { tokens: [...this.promptIds, ...ids], loss_mask: [...(this.lossMask ?? [])] } : {}),
      ...(ids && this.logprobs && this.logprobs.length === ids.length && this.logprobs.length > 0
        ? { rollout_log_probs: [...this.logprobs] }
        : {}),
    };
  }

  private dropIds(): void {
    delete this.responseIds;
    delete this.lossMask;
    delete this.logprobs;
  }
}
