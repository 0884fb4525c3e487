// slime's rm_hub/math_utils.py (Hendrycks MATH / DeepScaleR grader): grade_answer_verl,
// grade_answer_mathd, grade_answer_sympy, extract_answer. String normalisation is exact; the
// sympy step (`are_equal_under_sympy`) and pylatexenc's latex_to_text are reimplemented (see
// sympy-lite.ts and latex-to-text.ts for what differs).
import { pyFloat, pyFloatRepr, pyIntFromFloat, pyIntFromStr, pyRound } from "@/lib/pycompat/number";
import {
  PY_DOT,
  PY_END,
  PyError,
  codePoints,
  pyCharAt,
  pyIsAlpha,
  pyLen,
  pyLower,
  pyReplace,
  pySlice,
  pyStrip,
} from "@/lib/pycompat/str";
import { latexToText } from "./latex-to-text";
import { sympyDiffIsZero } from "./sympy-lite";

const TEXT_WRAP_RE = new RegExp(`^\\\\text\\{(?<text>${PY_DOT}+?)\\}${PY_END}`, "u");

/** mathd_normalize_answer (Dan Hendrycks' normaliser). */
export function mathdNormalizeAnswer(answer: string | null): string | null {
  if (answer === null) return null;
  answer = pyStrip(answer);
  try {
    const m = TEXT_WRAP_RE.exec(answer);
    if (m) answer = pyStrip(m.groups!.text!);
    return stripString(answer);
  } catch {
    return answer;
  }
}

function fixFracs(string: string): string {
  const substrs = string.split("\\frac");
  let newStr = substrs[0]!;
  for (const substr of substrs.slice(1)) {
    newStr += "\\frac";
    if (pyCharAt(substr, 0) === "{") {
      newStr += substr;
    } else {
      if (pyLen(substr) < 2) return string;
      const a = pyCharAt(substr, 0);
      const b = pyCharAt(substr, 1);
      const post = pySlice(substr, 2);
      if (b !== "{") newStr += `{${a}}{${b}}${post}`;
      else newStr += `{${a}}${b}${post}`;
    }
  }
  return newStr;
}

function fixASlashB(string: string): string {
  const parts = string.split("/");
  if (parts.length !== 2) return string;
  try {
    const a = pyIntFromStr(parts[0]!);
    const b = pyIntFromStr(parts[1]!);
    if (string !== `${a}/${b}`) return string;
    return `\\frac{${a}}{${b}}`;
  } catch {
    return string;
  }
}

function removeRightUnits(string: string): string {
  if (string.includes("\\text{ ")) {
    const splits = string.split("\\text{ ");
    if (splits.length !== 2) throw new PyError("AssertionError", "");
    return splits[0]!;
  }
  return string;
}

function fixSqrt(string: string): string {
  if (!string.includes("\\sqrt")) return string;
  const splits = string.split("\\sqrt");
  let out = splits[0]!;
  for (const split of splits.slice(1)) {
    if (pyCharAt(split, 0) !== "{") out += `\\sqrt{${pyCharAt(split, 0)}}${pySlice(split, 1)}`;
    else out += `\\sqrt${split}`;
  }
  return out;
}

/** _strip_string; throws where Python raises (the caller falls back to the unstripped answer). */
export function stripString(string: string): string {
  string = pyReplace(string, "\n", "");
  string = pyReplace(string, "\\!", "");
  string = pyReplace(string, "\\\\", "\\");
  string = pyReplace(string, "tfrac", "frac");
  string = pyReplace(string, "dfrac", "frac");
  string = pyReplace(string, "\\left", "");
  string = pyReplace(string, "\\right", "");
  string = pyReplace(string, "^{\\circ}", "");
  string = pyReplace(string, "^\\circ", "");
  string = pyReplace(string, "\\$", "");
  string = removeRightUnits(string);
  string = pyReplace(string, "\\%", "");
  string = pyReplace(string, " .", " 0.");
  string = pyReplace(string, "{.", "{0.");
  if (string.length === 0) return string;
  if (pyCharAt(string, 0) === ".") string = "0" + string;
  const eq = string.split("=");
  if (eq.length === 2 && pyLen(eq[0]!) <= 2) string = eq[1]!;
  string = fixSqrt(string);
  string = pyReplace(string, " ", "");
  string = fixFracs(string);
  if (string === "0.5") string = "\\frac{1}{2}";
  string = fixASlashB(string);
  return string;
}

const BAD_SUBSTRINGS = ["^{", "^("];
const BAD_REGEXES = [/\^[0-9]+\^/u, /\^[0-9][0-9]+/u];
const TUPLE_CHARS = "()[]";

function isFloatStr(s: string): boolean {
  try {
    pyFloat(s);
    return true;
  } catch {
    return false;
  }
}

function isIntFloat(x: number): boolean {
  try {
    return Math.abs(x - Number(pyRound(x))) <= 1e-7;
  } catch {
    return false;
  }
}

const IS_FRAC_RE = new RegExp(`^-?[0-9]+${PY_DOT}?/0*[1-9][0-9]*${PY_DOT}?${PY_END}`, "u");
export function isFrac(expr: string): boolean {
  return IS_FRAC_RE.test(expr);
}

export function strIsInt(x: string): boolean {
  try {
    const f = pyFloat(stripProperlyFormattedCommas(x));
    return Math.abs(f - Number(pyRound(f))) <= 1e-7;
  } catch {
    return false;
  }
}

function strToInt(x: string): string {
  return pyIntFromFloat(pyFloat(pyReplace(x, ",", ""))).toString();
}

const MIXED_RE = /([0-9]) +([0-9])/gu;
function injectImplicitMixedNumber(step: string): string {
  return step.replace(MIXED_RE, (_m, a: string, b: string) => `${a}+${b}`);
}

const COMMAS_RE = /(\p{Nd})(,)(\p{Nd}\p{Nd}\p{Nd})($|\P{Nd})/gu;
export function stripProperlyFormattedCommas(expr: string): string {
  for (;;) {
    const next = expr.replace(COMMAS_RE, (_m, a: string, _c, b: string, d: string) => `${a}${b}${d}`);
    if (next === expr) return next;
    expr = next;
  }
}

const UNITS = [
  "degree", "cm", "centimeter", "meter", "mile", "second", "minute", "hour", "day", "week", "month", "year",
  "foot", "feet", "inch", "yard",
];
const UNIT_RES = UNITS.map((u) => new RegExp(`${u}(es)?(s)? *(\\^[0-9]+)?`, "gu"));
const CIRC_RE = /\^ *\\circ/gu;
const COMMA_BANG_RE = /,\\! */gu;
const TEXT_WRAP_RAW_RE = new RegExp(`^\\\\text\\{(?<text>${PY_DOT}+?)\\}${PY_END}`, "u");

/** _normalize (the sympy grader's normaliser). */
export function normalizeForSympy(expr: string | null): string | null {
  if (expr === null) return null;
  const m = TEXT_WRAP_RAW_RE.exec(expr);
  if (m) expr = m.groups!.text!;
  expr = pyReplace(expr, "\\%", "%");
  expr = pyReplace(expr, "\\$", "$");
  expr = pyReplace(expr, "$", "");
  expr = pyReplace(expr, "%", "");
  expr = pyReplace(expr, " or ", " , ");
  expr = pyReplace(expr, " and ", " , ");
  expr = pyReplace(expr, "million", "*10^6");
  expr = pyReplace(expr, "billion", "*10^9");
  expr = pyReplace(expr, "trillion", "*10^12");
  for (const re of UNIT_RES) expr = expr.replace(re, "");
  expr = expr.replace(CIRC_RE, "");
  if (expr.length > 0 && pyCharAt(expr, 0) === "{" && pyCharAt(expr, -1) === "}") expr = pySlice(expr, 1, -1);
  expr = expr.replace(COMMA_BANG_RE, "");
  if (isFloatStr(expr) && isIntFloat(pyFloat(expr))) expr = pyRound(pyFloat(expr)).toString();
  if (expr.includes("\\")) {
    try {
      expr = parseLatex(expr);
    } catch {
      // slime: `except: pass`
    }
  }
  expr = expr.replace(/- */gu, "-");
  expr = injectImplicitMixedNumber(expr);
  expr = pyReplace(expr, " ", "");
  expr = pyReplace(expr, "{", "");
  expr = pyReplace(expr, "}", "");
  expr = pyLower(expr);
  if (strIsInt(expr)) expr = strToInt(expr);
  return expr;
}

/** _parse_latex. */
export function parseLatex(expr: string): string {
  expr = pyReplace(expr, "\\tfrac", "\\frac");
  expr = pyReplace(expr, "\\dfrac", "\\frac");
  expr = pyReplace(expr, "\\frac", " \\frac");
  expr = latexToText(expr);
  expr = pyReplace(expr, "√", "sqrt");
  expr = pyReplace(expr, "π", "pi");
  expr = pyReplace(expr, "∞", "inf");
  expr = pyReplace(expr, "∪", "U");
  expr = pyReplace(expr, "·", "*");
  expr = pyReplace(expr, "×", "*");
  return pyStrip(expr);
}

function countUnknownLetters(expr: string): number {
  expr = pyReplace(expr, "sqrt", "");
  expr = pyReplace(expr, "frac", "");
  return new Set(codePoints(expr).filter(pyIsAlpha)).size;
}

export function shouldAllowEval(expr: string): boolean {
  if (countUnknownLetters(expr) > 2) return false;
  for (const b of BAD_SUBSTRINGS) if (expr.includes(b)) return false;
  for (const r of BAD_REGEXES) if (r.test(expr)) return false;
  return true;
}

/** are_equal_under_sympy: simplify((gt)-(given)) == 0, any failure meaning "not equal". */
export function areEqualUnderSympy(gtNorm: string, givenNorm: string): boolean {
  try {
    const expr = `(${gtNorm})-(${givenNorm})`;
    if (!shouldAllowEval(expr)) return false;
    return sympyDiffIsZero(expr);
  } catch {
    return false;
  }
}

export function splitTuple(expr: string): string[] {
  expr = stripProperlyFormattedCommas(expr);
  if (expr.length === 0) return [];
  const cps = codePoints(expr);
  if (
    cps.length > 2 &&
    TUPLE_CHARS.includes(cps[0]!) &&
    TUPLE_CHARS.includes(cps.at(-1)!) &&
    Array.from(TUPLE_CHARS).every((ch) => !cps.slice(1, -1).includes(ch))
  ) {
    return cps
      .slice(1, -1)
      .join("")
      .split(",")
      .map((e) => pyStrip(e));
  }
  return [expr];
}

/** last_boxed_only_string of math_utils: needle "\boxed" (no brace), falling back to "\fbox". */
export function lastBoxedOnlyStringLoose(string: string): { text: string; start: number; end: number } | null {
  let idx = string.lastIndexOf("\\boxed");
  if (idx < 0) {
    idx = string.lastIndexOf("\\fbox");
    if (idx < 0) return null;
  }
  let open = 0;
  for (let i = idx; i < string.length; i++) {
    const c = string[i];
    if (c === "{") open++;
    if (c === "}") {
      open--;
      if (open === 0) return { text: string.slice(idx, i + 1), start: idx, end: i + 1 };
    }
  }
  return null;
}

/** remove_boxed of math_utils: None instead of an assertion error. */
export function removeBoxedLoose(s: string | null): string | null {
  if (s === null) return null;
  const left = "\\boxed{";
  if (!s.startsWith(left) || !s.endsWith("}")) return null;
  return s.slice(left.length, -1);
}

/** extract_answer: the content of the last \boxed{...}, or null. */
export function extractAnswer(passage: string): string | null {
  if (!passage.includes("\\boxed")) return null;
  return removeBoxedLoose(lastBoxedOnlyStringLoose(passage)?.text ?? null);
}

export function gradeAnswerSympy(givenAnswer: string | null, groundTruth: string | null): boolean {
  const gtN = normalizeForSympy(groundTruth);
  const givenN = normalizeForSympy(givenAnswer);
  if (gtN === null || givenN === null) return false;
  if (gtN === givenN) return true;
  if (givenN.length === 0) return false;
  const gtElems = splitTuple(gtN);
  const givenElems = splitTuple(givenN);
  let isCorrect = false;
  if (gtElems.length > 1 && (pyCharAt(gtN, 0) !== pyCharAt(givenN, 0) || pyCharAt(gtN, -1) !== pyCharAt(givenN, -1))) {
    isCorrect = false;
  } else if (gtElems.length !== givenElems.length) {
    isCorrect = false;
  } else {
    for (let i = 0; i < gtElems.length; i++) {
      const g = gtElems[i]!;
      const a = givenElems[i]!;
      if (isFrac(g) && isFrac(a)) isCorrect = g === a;
      else if (strIsInt(g) !== strIsInt(a)) isCorrect = false;
      else isCorrect = areEqualUnderSympy(g, a);
      if (!isCorrect) break;
    }
  }
  return isCorrect;
}

export function gradeAnswerMathd(givenAnswer: string | null, groundTruth: string | null): boolean {
  return mathdNormalizeAnswer(groundTruth) === mathdNormalizeAnswer(givenAnswer);
}

/** grade_answer_verl: the `math` reward type. */
export function gradeAnswerVerl(solution: string, groundTruth: unknown): boolean {
  if (!pyTruthy(groundTruth)) return false;
  let gt: string | null = labelStr(groundTruth);
  if (gt.includes("\\boxed")) gt = extractAnswer(gt);
  const given = extractAnswer(solution);
  if (given === null) return false;
  return gradeAnswerMathd(given, gt) || gradeAnswerSympy(given, gt);
}

export function pyTruthy(v: unknown): boolean {
  return !(v === null || v === undefined || v === "" || v === 0 || v === false);
}

/** str(label) for a JSON scalar label. */
export function labelStr(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") {
    if (Number.isInteger(v)) return BigInt(v).toString();
    return pyFloatRepr(v);
  }
  if (typeof v === "boolean") return v ? "True" : "False";
  if (v === null || v === undefined) return "None";
  throw new PyError("TypeError", "label must be a string or a number");
}
