// The ReTool reward (lib/reward retoolReward, slime's generate_with_retool.reward_func) shapes a
// wrong answer's score by the number of tool calls: min(-0.6, -1 + (n - 2) / 2 * 0.1).
// This explains a score from the reward's own inputs, so a person sees where −1.05 comes from.

import { shapeRetoolScore } from "@/lib/reward/retool-shaping";

function fmt(x: number): string {
  const r = Math.round(x * 1e6) / 1e6;
  return (r < 0 ? "−" : "") + String(Math.abs(r));
}

export interface ShapingExplanation {
  /** One line: the formula with the numbers put in. */
  formula: string;
  /** Why there is a formula at all. */
  why: string;
}

/** Null when the score is not a shaped ReTool score (a correct answer, another reward type, or inputs that do not give it). */
export function explainRetoolScore(type: string, score: number | null, toolCalls: number | undefined): ShapingExplanation | null {
  if (type !== "retool" || score === null || score >= 0 || toolCalls === undefined) return null;
  const { raw, score: shaped } = shapeRetoolScore(-1, toolCalls);
  // Only explain what the inputs really give (a score from elsewhere is left alone).
  if (Math.abs(shaped - score) > 1e-9) return null;
  const steps = `−1 + (${toolCalls} − 2)/2 · 0.1 = ${fmt(raw)}`;
  const formula = raw > -0.6 ? `min(−0.6, ${steps}) = ${fmt(shaped)}` : `${steps}; min(−0.6, ${fmt(raw)}) = ${fmt(shaped)}`;
  return {
    formula,
    why: `The answer is not correct, so the base score is −1; ReTool adds (n − 2)/2 · 0.1 for n = ${toolCalls} tool call${toolCalls === 1 ? "" : "s"} and caps the result at −0.6.`,
  };
}
