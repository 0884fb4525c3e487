import { describe, expect, it } from "vitest";
import { retoolReward } from "@/lib/reward";
import { explainRetoolScore } from "./shaping";

describe("explainRetoolScore", () => {
  it("explains −1.05 for a wrong answer after one tool call, from the reward's own output", () => {
    const r = retoolReward({ prompt: "", response: "Answer: \\boxed{48}", label: "42", tool_call_count: 1 });
    expect(r.score).toBe(-1.05);
    const e = explainRetoolScore("retool", r.score, 1);
    expect(e?.formula).toBe("−1 + (1 − 2)/2 · 0.1 = −1.05; min(−0.6, −1.05) = −1.05");
    expect(e?.why).toContain("n = 1 tool call");
  });
  it("shows the cap when many tool calls would lift the score above −0.6", () => {
    const r = retoolReward({ prompt: "", response: "no answer", label: "42", tool_call_count: 12 });
    expect(r.score).toBe(-0.6);
    expect(explainRetoolScore("retool", r.score, 12)?.formula).toBe("min(−0.6, −1 + (12 − 2)/2 · 0.1 = −0.5) = −0.6");
  });
  it("says nothing for a correct answer, another reward, or a score the inputs do not give", () => {
    expect(explainRetoolScore("retool", 1, 1)).toBeNull();
    expect(explainRetoolScore("math_dapo", -1, 1)).toBeNull();
    expect(explainRetoolScore("retool", -1.05, 4)).toBeNull();
    expect(explainRetoolScore("retool", -1.05, undefined)).toBeNull();
  });
});
