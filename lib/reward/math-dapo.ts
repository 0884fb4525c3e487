// slime's rm_hub/math_dapo_utils.py: `dapo` (Minerva normalisation) and, with
// strict_box_verify, the ReTool reward's exact-string check of the last \boxed{} in the tail.
import { pyFloat, pyFloatRepr, pyIntFromFloat } from "@/lib/pycompat/number";
import { PY_DOT, PY_S, PyError, pyIsDigit, pyReplace, pySlice, pyStrip } from "@/lib/pycompat/str";

/** Offsets of a `\boxed{...}` span, in UTF-16 units of the string it was found in. */
export interface BoxSpan {
  start: number;
  end: number;
}

/**
 * last_boxed_only_string: from the last "\boxed{" (dapo's needle includes the brace), walk braces
 * until they balance. None when they never do.
 */
export function lastBoxedOnlyString(s: string): { text: string; span: BoxSpan } | null {
  const idx = s.lastIndexOf("\\boxed{");
  if (idx < 0) return null;
  let open = 0;
  for (let i = idx; i < s.length; i++) {
    const c = s[i];
    if (c === "{") open++;
    if (c === "}") {
      open--;
      if (open === 0) return { text: s.slice(idx, i + 1), span: { start: idx, end: i + 1 } };
    }
  }
  return null;
}

/** remove_boxed (asserting variant): "\boxed{x}" -> "x". */
export function removeBoxed(s: string): string {
  const left = "\\boxed{";
  if (!s.startsWith(left)) throw new PyError("AssertionError", `box error: ${s}`);
  if (!s.endsWith("}")) throw new PyError("AssertionError", `box error: ${s}`);
  return s.slice(left.length, -1);
}

const SUBSTITUTIONS: [string, string][] = [
  ["an ", ""],
  ["a ", ""],
  [".$", "$"],
  ["\\$", ""],
  ["\\ ", ""],
  [" ", ""],
  ["mbox", "text"],
  [",\\text{and}", ","],
  ["\\text{and}", ","],
  ["\\text{m}", "\\text{}"],
];

const REMOVED_EXPRESSIONS = [
  "square", "ways", "integers", "dollars", "mph", "inches", "hours", "km", "units", "\\ldots", "sue",
  "points", "feet", "minutes", "digits", "cents", "degrees", "cm", "gm", "pounds", "meters", "meals",
  "edges", "students", "childrentickets", "multiples", "\\text{s}", "\\text{.}", "\\text{\ns}",
  "\\text{}^2", "\\text{}^3", "\\text{\n}", "\\text{}", "\\mathrm{th}", "^\\circ", "^{\\circ}", "\\;",
  ",\\!", "{,}", '"', "\\dots", "<|im_end|>", "<|endoftext|>",
];

const D = PY_DOT; // Python `.` without DOTALL
const DOLLARS_RE = new RegExp(`(${D}*?)(\\$)(${D}*?)(\\$)(${D}*)`, "gu");
const TEXT_RE = new RegExp(`(\\\\text\\{)(${D}*?)(\\})`, "gu");
const TEXTBF_RE = new RegExp(`(\\\\textbf\\{)(${D}*?)(\\})`, "gu");
const OVERLINE_RE = new RegExp(`(\\\\overline\\{)(${D}*?)(\\})`, "gu");
const BOXED_RE = new RegExp(`(\\\\boxed\\{)(${D}*)(\\})`, "gu");
const FRAC_RE = new RegExp(`(frac)([^{])(${D})`, "gu");
const SQRT_RE = /(sqrt)([^{])/gu;

/** normalize_final_answer (Minerva). */
export function normalizeFinalAnswer(finalAnswer: string): string {
  let s = finalAnswer.split("=").at(-1)!;
  for (const [before, after] of SUBSTITUTIONS) s = pyReplace(s, before, after);
  for (const expr of REMOVED_EXPRESSIONS) s = pyReplace(s, expr, "");
  s = s.replace(DOLLARS_RE, (_m, _a, _b, g3: string) => `$${g3}$`);
  s = s.replace(TEXT_RE, (_m, _a, g2: string) => g2);
  s = s.replace(TEXTBF_RE, (_m, _a, g2: string) => g2);
  s = s.replace(OVERLINE_RE, (_m, _a, g2: string) => g2);
  s = s.replace(BOXED_RE, (_m, _a, g2: string) => g2);
  s = s.replace(FRAC_RE, (_m, _a, g2: string, g3: string) => `frac{${g2}}{${g3}}`);
  s = s.replace(SQRT_RE, (_m, _a, g2: string) => `sqrt{${g2}}`);
  s = pyReplace(s, "$", "");
  if (pyIsDigit(pyReplace(s, ",", ""))) s = pyReplace(s, ",", "");
  return pyStrip(s);
}

const MINERVA_RE = new RegExp(`Answer${PY_S}*:${PY_S}*([^\\n]+)`, "giu");

export interface MinervaResult {
  correct: boolean;
  pred: string;
  /** The raw `Answer: ...` capture (before normalisation) and where it was, if any. */
  extracted: string | null;
  span: BoxSpan | null;
}

/** is_correct_minerva with slime's integer ground truth: str(int(float(normalized gt))). */
export function isCorrectMinerva(solution: string, gt: string): MinervaResult {
  let last: RegExpExecArray | null = null;
  for (const m of solution.matchAll(MINERVA_RE)) last = m as RegExpExecArray;
  const extracted = last ? last[1]! : "[INVALID]";
  const pred = normalizeFinalAnswer(extracted);
  // In dapo all answers are integers; a non-numeric label raises (ValueError/OverflowError).
  const gtInt = pyIntFromFloat(pyFloat(normalizeFinalAnswer(gt))).toString();
  const span = last ? { start: last.index + last[0].length - last[1]!.length, end: last.index + last[0].length } : null;
  return { correct: pred === gtInt, pred, extracted: last ? last[1]! : null, span };
}

export interface StrictBoxResult {
  correct: boolean;
  pred: string | null;
  /** The last 100 code points that were searched. */
  window: string;
  span: BoxSpan | null;
}

/** is_correct_strict_box: exact string equality of the last \boxed{} in the last 100 characters. */
export function isCorrectStrictBox(pred: string, gt: unknown): StrictBoxResult {
  const window = pySlice(pred, -100);
  const boxed = lastBoxedOnlyString(window);
  const extracted = boxed ? removeBoxed(boxed.text) : null;
  // Python `==` between a str and a non-str label is simply False.
  return { correct: extracted !== null && extracted === gt, pred: extracted, window, span: boxed?.span ?? null };
}

export interface DapoScore {
  score: number;
  acc: boolean;
  pred: string | null;
}

/** What compute_score looked at, for "the reward's view". */
export interface DapoTrace extends DapoScore {
  /** solution_str[-300:], the only text compute_score reads. */
  tail: string;
  /** For strict box: tail[-100:]; otherwise the tail. */
  window: string;
  /** Span of the found box / answer inside `window` (UTF-16 offsets). */
  span: BoxSpan | null;
}

export function traceDapo(solution: string, groundTruth: unknown, strictBoxVerify = false): DapoTrace {
  const tail = pySlice(solution, -300); // "The longest answer in MATH-500 has 159 characters"
  if (strictBoxVerify) {
    const r = isCorrectStrictBox(tail, groundTruth);
    return { score: r.correct ? 1.0 : -1.0, acc: r.correct, pred: r.pred, tail, window: r.window, span: r.span };
  }
  const gt = typeof groundTruth === "string" ? groundTruth : pyStrOf(groundTruth);
  const r = isCorrectMinerva(tail, gt);
  return { score: r.correct ? 1.0 : -1.0, acc: r.correct, pred: r.pred, tail, window: tail, span: r.span };
}

/** math_dapo compute_score(solution_str, ground_truth, strict_box_verify). */
export function computeDapoScore(solution: string, groundTruth: unknown, strictBoxVerify = false): DapoScore {
  const { score, acc, pred } = traceDapo(solution, groundTruth, strictBoxVerify);
  return { score, acc, pred };
}

/** str() of a label that arrived as a JSON scalar. */
export function pyStrOf(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") {
    if (Number.isInteger(v)) return BigInt(v).toString();
    return pyFloatRepr(v);
  }
  if (typeof v === "string") return v;
  throw new PyError("TypeError", "label must be a string or a number");
}
