import { describe, expect, it } from "vitest";
import { pieceStats, samplePieces } from "./pieces";

describe("samplePieces", () => {
  it("splits prompt and response by the loss mask's length and keeps finite logprobs on response tokens", () => {
    const { pieces, warnings } = samplePieces({
      tokens: [10, 11, 12, 13, 14],
      lossMask: [1, 0, 1],
      logprobs: [-0.5, 0, Number.NaN],
      texts: ["a", "b", "c", "d", "e"],
    });
    expect(warnings).toEqual([]);
    expect(pieces).toEqual([
      { text: "a", mask: null, id: 10 },
      { text: "b", mask: null, id: 11 },
      { text: "c", mask: 1, id: 12, logprob: -0.5 },
      { text: "d", mask: 0, id: 13, logprob: 0 },
      { text: "e", mask: 1, id: 14 },
    ]);
    expect(pieceStats(pieces)).toEqual({ prompt: 2, response: 3, trained: 2, untrained: 1, meanLogprob: -0.5, minLogprob: -0.5 });
  });

  it("shows ids without token text and says when the arrays disagree", () => {
    const { pieces, warnings } = samplePieces({ tokens: [7], lossMask: [1, 1], logprobs: [-1] });
    expect(pieces).toEqual([{ text: "7", mask: 1, id: 7, logprob: -1 }]);
    expect(warnings).toEqual(["loss_mask (2) is longer than tokens (1)", "rollout_log_probs has 1 values for 2 response tokens"]);
  });
});
