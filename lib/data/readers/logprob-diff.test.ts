import { describe, expect, it } from "vitest";
import { logprobDiff } from "./logprob-diff";

describe("logprobDiff", () => {
  it("takes max and mean |log_probs − rollout_log_probs| over unmasked tokens", () => {
    const d = logprobDiff({ per_token: { log_probs: [-1, -0.5, -2, -0.1], rollout_log_probs: [-1.5, -0.5, -1, -0.4] }, loss_mask: [1, 1, 0, 1] })!;
    expect(d.diff).toEqual([0.5, 0, -1, 0.30000000000000004]);
    expect(d.max).toBe(0.5); // the masked token's 1.0 does not count
    expect(d.mean).toBeCloseTo(0.8 / 3, 12);
    expect(d.counted).toBe(3);
  });
  it("uses the sample's rollout_log_probs when the train dump has none, skips NaN, and is null without both", () => {
    const d = logprobDiff({ per_token: { log_probs: [-1, NaN] }, rollout_log_probs: [-1.25, -1] })!;
    expect(d).toMatchObject({ max: 0.25, mean: 0.25, counted: 1 });
    expect(logprobDiff({ per_token: { entropy: [1] }, rollout_log_probs: [-1] })).toBeNull();
    expect(logprobDiff({ per_token: { log_probs: [] }, rollout_log_probs: [] })!.max).toBeNaN();
  });
});
