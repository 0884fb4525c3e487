// A format-tolerant equivalence check shown NEXT TO slime's verdict, never mixed into it.
// It answers "is the model's final answer mathematically the label?" regardless of the exact
// `\boxed{}` text slime's strict check compares.
import { pySlice } from "@/lib/pycompat/str";
import { extractAnswer, gradeAnswerMathd, gradeAnswerSympy } from "./math-utils";
import { normalizeFinalAnswer } from "./math-dapo";

export interface LenientVerdict {
  equivalent: boolean;
  /** The answer we judged (last \boxed{}, else the last "Answer:" line), or null. */
  pred: string | null;
  reason: string;
}

const ANSWER_LINE_RE = /Answer\s*:\s*([^\n]+)/giu;

export function lenientCheck(response: string, label: string): LenientVerdict {
  let pred = extractAnswer(response);
  let source = "last \\boxed{}";
  if (pred === null) {
    let last: string | null = null;
    for (const m of pySlice(response, -2000).matchAll(ANSWER_LINE_RE)) last = m[1]!;
    if (last !== null) {
      pred = last.trim();
      source = "last 'Answer:' line";
    }
  }
  if (pred === null) return { equivalent: false, pred: null, reason: "no \\boxed{} or 'Answer:' found" };
  const gt = extractAnswer(label) ?? label;
  if (pred.trim() === gt.trim()) return { equivalent: true, pred, reason: `${source} matches the label exactly` };
  if (normalizeFinalAnswer(pred) === normalizeFinalAnswer(gt) && normalizeFinalAnswer(gt) !== "") {
    return { equivalent: true, pred, reason: `${source} matches after Minerva normalisation` };
  }
  if (gradeAnswerMathd(pred, gt)) return { equivalent: true, pred, reason: `${source} matches after MATH normalisation` };
  if (gradeAnswerSympy(pred, gt)) return { equivalent: true, pred, reason: `${source} is symbolically equal to the label` };
  return { equivalent: false, pred, reason: `${source} differs from the label` };
}
