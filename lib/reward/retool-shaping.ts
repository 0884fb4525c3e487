// The ReTool reward_func's tool-call shaping of a wrong answer's score. Its own module with no
// imports so client components (components/reward/shaping.ts) can use it without the reward engine.

/** `raw` = base + (n − 2)/2 · 0.1; `score` = min(−0.6, raw) (slime's generate_with_retool.reward_func). */
export function shapeRetoolScore(base: number, toolCalls: number): { raw: number; score: number } {
  const raw = base + ((toolCalls - 2) / 2) * 0.1;
  return { raw, score: Math.min(-0.6, raw) };
}
