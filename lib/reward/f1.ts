// slime's rm_hub/f1.py (checked line by line against THUDM/slime 624b824): HotpotQA-style token F1
// (SQuAD normalisation, yes/no/noanswer guard, None prediction scores 0).
import { PyError, pyLower, pySplitWs } from "@/lib/pycompat/str";

// string.punctuation (ASCII only).
const PUNCT = new Set(Array.from("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"));
// Python's \b with Unicode \w ([\p{L}\p{N}_]); JS \b only knows ASCII word characters.
const ARTICLES_RE = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

export function normalizeAnswer(s: unknown): string {
  if (typeof s !== "string") throw new PyError("AttributeError", `'${typeof s}' object has no attribute 'lower'`);
  let t = pyLower(s);
  t = Array.from(t)
    .filter((ch) => !PUNCT.has(ch))
    .join("");
  t = t.replace(ARTICLES_RE, " ");
  return pySplitWs(t).join(" ");
}

/** f1_score(prediction, ground_truth) -> (f1, precision, recall). */
export function f1Score(prediction: unknown, groundTruth: unknown): [number, number, number] {
  const zero: [number, number, number] = [0, 0, 0];
  if (prediction === null || prediction === undefined) return zero; // slime: `if prediction is None`
  const p = normalizeAnswer(prediction);
  const g = normalizeAnswer(groundTruth);
  const special = ["yes", "no", "noanswer"];
  if (special.includes(p) && p !== g) return zero;
  if (special.includes(g) && p !== g) return zero;
  const pt = pySplitWs(p);
  const gt = pySplitWs(g);
  const counts = new Map<string, number>();
  for (const t of gt) counts.set(t, (counts.get(t) ?? 0) + 1);
  const pc = new Map<string, number>();
  for (const t of pt) pc.set(t, (pc.get(t) ?? 0) + 1);
  let same = 0;
  for (const [t, n] of pc) same += Math.min(n, counts.get(t) ?? 0);
  if (same === 0) return zero;
  const precision = (1.0 * same) / pt.length;
  const recall = (1.0 * same) / gt.length;
  const f1 = (2 * precision * recall) / (precision + recall);
  return [f1, precision, recall];
}
