// Python's float()/int()/round()/repr() for the values slime's graders compute with.
import { PY_WS_CLASS, PyError } from "./str";

const PY_WS_RE = new RegExp(`[${PY_WS_CLASS}]`, "gu");

// CPython maps Unicode whitespace to " " and Unicode decimal digits to ASCII before parsing
// numbers (_PyUnicode_TransformDecimalAndSpaceToASCII).
function toAsciiNumber(s: string): string {
  let out = "";
  for (const ch of s.replace(PY_WS_RE, " ")) {
    if (/^\p{Nd}$/u.test(ch) && !/^[0-9]$/.test(ch)) {
      out += String(decimalValue(ch));
    } else {
      out += ch;
    }
  }
  return out;
}

// Unicode Nd digits come in contiguous blocks whose length is a multiple of ten, zero first.
function decimalValue(ch: string): number {
  const cp = ch.codePointAt(0)!;
  let start = cp;
  while (/^\p{Nd}$/u.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

const trimSpaces = (s: string) => s.replace(/^ +| +$/g, "");

const DIGITPART = "[0-9](?:_?[0-9])*";
const FLOAT_RE = new RegExp(
  `^[+-]?(?:(?:${DIGITPART}(?:\\.(?:${DIGITPART})?)?|\\.${DIGITPART})(?:[eE][+-]?${DIGITPART})?|inf|infinity|nan)$`,
  "i",
);

/** Python `float(s)` for a str argument; throws PyError(ValueError) like Python. */
export function pyFloat(s: string): number {
  const t = trimSpaces(toAsciiNumber(s));
  if (!FLOAT_RE.test(t) || /[^\x00-\x7f]/.test(t)) {
    throw new PyError("ValueError", `could not convert string to float: ${pyReprStr(s)}`);
  }
  const body = t.replace(/_/g, "");
  const lower = body.toLowerCase();
  const neg = lower.startsWith("-");
  const unsigned = lower.replace(/^[+-]/, "");
  if (unsigned === "inf" || unsigned === "infinity") return neg ? -Infinity : Infinity;
  if (unsigned === "nan") return NaN;
  return Number(body);
}

/** Python `int(s)` for a str argument in base 10; throws PyError(ValueError). */
export function pyIntFromStr(s: string): bigint {
  const t = trimSpaces(toAsciiNumber(s));
  if (!new RegExp(`^[+-]?${DIGITPART}$`).test(t)) {
    throw new PyError("ValueError", `invalid literal for int() with base 10: ${pyReprStr(s)}`);
  }
  const digits = t.replace(/[_+-]/g, "");
  if (digits.length > 4300) {
    throw new PyError("ValueError", "Exceeds the limit (4300 digits) for integer string conversion");
  }
  const v = BigInt(digits);
  return t.startsWith("-") ? -v : v;
}

/** Python `int(x)` for a float: truncation, with Python's errors for inf and nan. */
export function pyIntFromFloat(x: number): bigint {
  if (Number.isNaN(x)) throw new PyError("ValueError", "cannot convert float NaN to integer");
  if (!Number.isFinite(x)) throw new PyError("OverflowError", "cannot convert float infinity to integer");
  return BigInt(Math.trunc(x));
}

/** Python 3 `round(x)` with no ndigits: round half to even, returns int. */
export function pyRound(x: number): bigint {
  if (Number.isNaN(x)) throw new PyError("ValueError", "cannot convert float NaN to integer");
  if (!Number.isFinite(x)) throw new PyError("OverflowError", "cannot convert float infinity to integer");
  const f = Math.floor(x);
  const diff = x - f;
  let r: number;
  if (diff > 0.5) r = f + 1;
  else if (diff < 0.5) r = f;
  else r = f % 2 === 0 ? f : f + 1;
  return BigInt(r);
}

/** Python `repr(float)` / `str(float)`: shortest round-trip digits, Python's layout. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mant, expStr] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mant.replace(".", "");
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intLen = exp + 1;
  if (digits.length <= intLen) return `${sign}${digits}${"0".repeat(intLen - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/** Python `repr(str)` (close enough for error messages). */
export function pyReprStr(s: string): string {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
