// slime's rm_hub/deepscaler.py: answer after </think> (or ###Response), graded like `math`.
import { PyError } from "@/lib/pycompat/str";
import { extractAnswer, gradeAnswerMathd, gradeAnswerSympy, labelStr } from "./math-utils";

export function deepscalerReward(response: string, label: unknown): 0 | 1 {
  let solution: string;
  if (response.includes("</think>")) solution = response.split("</think>").at(-1)!;
  else if (response.includes("###Response")) solution = response.split("###Response")[1]!;
  else return 0;
  const answer = extractAnswer(solution);
  if (answer === null) return 0;
  if (label === "") return 0;
  if (typeof label !== "string" && typeof label !== "number") {
    throw new PyError("AssertionError", "label must be str, float or int");
  }
  const truth = labelStr(label);
  const truths: string[] = [];
  if (truth.includes("\\boxed") || truth.includes("\\fbox")) {
    const t = extractAnswer(truth);
    if (t !== null) truths.push(t);
  } else {
    truths.push(truth);
  }
  for (const gt of truths) {
    if (gradeAnswerMathd(answer, gt) || gradeAnswerSympy(answer, gt)) return 1;
  }
  return 0;
}
