// Train vs rollout logprobs: how far the trainer's log_probs are from the rollout engine's,
// per response token (masked tokens do not count). Isomorphic.
import type { NormalizedSample } from "../types";

export interface LogprobDiff {
  /** log_probs − rollout_log_probs per response token (NaN where either is missing). */
  diff: number[];
  max: number;
  mean: number;
  /** Tokens that counted (loss mask 1, both values finite). */
  counted: number;
}

/** Null when the sample lacks either array. */
export function logprobDiff(s: Pick<NormalizedSample, "per_token" | "rollout_log_probs" | "loss_mask">): LogprobDiff | null {
  const train = s.per_token?.log_probs;
  const roll = s.per_token?.rollout_log_probs ?? s.rollout_log_probs;
  if (!train || !roll) return null;
  const n = Math.min(train.length, roll.length);
  const mask = s.loss_mask;
  const diff = new Array<number>(n);
  let max = 0;
  let sum = 0;
  let counted = 0;
  for (let k = 0; k < n; k++) {
    const d = train[k]! - roll[k]!;
    diff[k] = d;
    if (!Number.isFinite(d) || (mask && mask[k] === 0)) continue;
    const a = Math.abs(d);
    if (a > max) max = a;
    sum += a;
    counted++;
  }
  return { diff, max: counted ? max : NaN, mean: counted ? sum / counted : NaN, counted };
}

/** Mean of a per-token value over the loss-masked, finite tokens (NaN when none counts). */
export function maskedMean(values: ArrayLike<number>, mask?: ArrayLike<number>): number {
  let sum = 0;
  let counted = 0;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (!Number.isFinite(v) || (mask && mask[k] === 0)) continue;
    sum += v;
    counted++;
  }
  return counted ? sum / counted : NaN;
}
