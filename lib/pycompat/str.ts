// Python `str` semantics that JavaScript does differently. slime's reward and parsing code is
// Python: its strings index by code point, `strip()` uses `str.isspace`, `\s`/`\d` are Unicode.

/** Python `str.isspace()` / `re` `\s` characters (identical sets in CPython 3.11). */
export const PY_WS_CLASS = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
/** Regex source for Python's `\s` (use with the `u` flag). JS `\s` adds U+FEFF and lacks U+001C–U+001F, U+0085. */
export const PY_S = `[${PY_WS_CLASS}]`;
/** Python's `\S`. */
export const PY_NOT_S = `[^${PY_WS_CLASS}]`;
/** Python's `\d` for str patterns: Unicode category Nd (use with the `u` flag). */
export const PY_D = "\\p{Nd}";
/** Python's `\D`. */
export const PY_NOT_D = "\\P{Nd}";
/** Python's `.` without DOTALL: anything but "\n" (JS `.` also refuses \r, U+2028, U+2029). */
export const PY_DOT = "[^\\n]";
/** Python's `$` without MULTILINE: end of string, or before a final "\n". */
export const PY_END = "(?=\\n?$)";

const WS_RE = new RegExp(`^${PY_S}$`, "u");
export function isPySpace(ch: string): boolean {
  return WS_RE.test(ch);
}

/** Python `s.strip()` with no argument. */
export function pyStrip(s: string): string {
  return s.replace(new RegExp(`^${PY_S}+|${PY_S}+$`, "gu"), "");
}

/** Code points of `s`, as Python sees them (a lone surrogate is one code point, as in Python). */
export function codePoints(s: string): string[] {
  return Array.from(s);
}

/** Python `len(s)`. */
export function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Python `s[start:end]` with Python's negative-index and clamping rules, counting code points. */
export function pySlice(s: string, start?: number, end?: number): string {
  const cps = codePoints(s);
  const n = cps.length;
  const norm = (i: number | undefined, dflt: number) => {
    if (i === undefined) return dflt;
    if (i < 0) return Math.max(0, n + i);
    return Math.min(n, i);
  };
  const a = norm(start, 0);
  const b = norm(end, n);
  return a >= b ? "" : cps.slice(a, b).join("");
}

/** Python `s[i]` (code point); throws IndexError like Python. */
export function pyCharAt(s: string, i: number): string {
  const cps = codePoints(s);
  const j = i < 0 ? cps.length + i : i;
  const ch = cps[j];
  if (ch === undefined) throw new PyError("IndexError", "string index out of range");
  return ch;
}

/** Python `a.replace(b, c)` (all occurrences; an empty `b` inserts between every code point). */
export function pyReplace(s: string, from: string, to: string): string {
  if (from === "") return s === "" ? to : to + codePoints(s).join(to) + to;
  return s.split(from).join(to);
}

/** Python `s.split(sep)` with an explicit separator. */
export function pySplit(s: string, sep: string): string[] {
  if (sep === "") throw new PyError("ValueError", "empty separator");
  return s.split(sep);
}

/** Python `s.split()` (no argument): split on runs of whitespace, drop empty strings. */
export function pySplitWs(s: string): string[] {
  return s.split(new RegExp(`${PY_S}+`, "u")).filter((x) => x !== "");
}

// Characters with Numeric_Type=Digit but not Decimal: `str.isdigit()` accepts them, `\d` does not.
const DIGIT_NOT_DECIMAL =
  "\\xb2\\xb3\\xb9\\u1369-\\u1371\\u19da\\u2070\\u2074-\\u2079\\u2080-\\u2089\\u2460-\\u2468\\u2474-\\u247c" +
  "\\u2488-\\u2490\\u24ea\\u24f5-\\u24fd\\u24ff\\u2776-\\u277e\\u2780-\\u2788\\u278a-\\u2792" +
  "\\u{10a40}-\\u{10a43}\\u{10e60}-\\u{10e68}\\u{11052}-\\u{1105a}\\u{1f100}-\\u{1f10a}";
const ISDIGIT_RE = new RegExp(`^[\\p{Nd}${DIGIT_NOT_DECIMAL}]+$`, "u");

/** Python `str.isdigit()`: non-empty and every character a digit (incl. superscripts, circled digits). */
export function pyIsDigit(s: string): boolean {
  return ISDIGIT_RE.test(s);
}

/** Python `str.isalpha()` for one character (Unicode letters: L* categories). */
export function pyIsAlpha(ch: string): boolean {
  return /^[\p{L}]$/u.test(ch);
}

/** Python `s.lower()`. JS toLowerCase uses the same full Unicode mapping (incl. final sigma). */
export function pyLower(s: string): string {
  return s.toLowerCase();
}

/** A Python exception, carried as a value the callers can turn into `{"error": ...}`. */
export class PyError extends Error {
  constructor(
    readonly pyType: string,
    message: string,
  ) {
    super(`${pyType}: ${message}`);
    this.name = "PyError";
  }
}
