// The verdict of a sample, the one thing its colour says: correct (green), incorrect (red),
// no answer (amber) or not scored (grey). Tool errors are a separate badge, never a row colour.
import type { NormalizedSample, RowSummary } from "@/lib/data/types";

export const verdicts = ["correct", "incorrect", "no_answer", "unscored"] as const;
export type Verdict = (typeof verdicts)[number];

export const verdictStyle: Record<Verdict, { label: string; badge: "green" | "red" | "amber" | "zinc"; box: string; text: string }> = {
  correct: { label: "correct", badge: "green", box: "border-green-300 bg-green-50", text: "text-green-700" },
  incorrect: { label: "incorrect", badge: "red", box: "border-red-300 bg-red-50", text: "text-red-700" },
  no_answer: { label: "no answer", badge: "amber", box: "border-amber-300 bg-amber-50", text: "text-amber-700" },
  unscored: { label: "not scored", badge: "zinc", box: "border-zinc-300 bg-zinc-50", text: "text-zinc-500" },
};

/** acc when the file records it, else the sign of the reward; `hasAnswer` false wins (nothing to judge). */
export function verdictOf(s: Pick<NormalizedSample, "acc" | "reward"> | Pick<RowSummary, "acc" | "reward">, hasAnswer?: boolean): Verdict {
  if (hasAnswer === false) return "no_answer";
  const good = s.acc ?? (s.reward !== null && Number.isFinite(s.reward) ? s.reward > 0 : null);
  if (good === null) return "unscored";
  return good ? "correct" : "incorrect";
}
