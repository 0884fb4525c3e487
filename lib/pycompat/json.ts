// Python's json.loads (CPython's C scanner, strict=True) rather than JSON.parse: it also accepts
// NaN/Infinity/-Infinity, and an integer literal over 4300 digits raises ValueError (which is not
// a JSONDecodeError, so slime's `except json.JSONDecodeError` would not catch it).
import { pyFloatRepr } from "./number";
import { PyError } from "./str";

export type PyJson = null | boolean | number | string | PyJson[] | { [key: string]: PyJson };

export class JsonDecodeError extends PyError {
  constructor(msg: string, pos: number) {
    super("JSONDecodeError", `${msg}: char ${pos}`);
  }
}

const WS = new Set([" ", "\t", "\n", "\r"]);

export function pyJsonLoads(s: string): PyJson {
  if (s.startsWith("\ufeff")) throw new JsonDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
  const p = new Parser(s);
  p.skipWs();
  const v = p.value();
  p.skipWs();
  if (p.i !== s.length) throw new JsonDecodeError("Extra data", p.i);
  return v;
}

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  skipWs(): void {
    while (this.i < this.s.length && WS.has(this.s[this.i]!)) this.i++;
  }

  value(): PyJson {
    const s = this.s;
    const c = s[this.i];
    if (c === undefined) throw new JsonDecodeError("Expecting value", this.i);
    if (c === '"') return this.string();
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (s.startsWith("null", this.i)) return (this.i += 4), null;
    if (s.startsWith("true", this.i)) return (this.i += 4), true;
    if (s.startsWith("false", this.i)) return (this.i += 5), false;
    if (s.startsWith("NaN", this.i)) return (this.i += 3), NaN;
    if (s.startsWith("Infinity", this.i)) return (this.i += 8), Infinity;
    if (s.startsWith("-Infinity", this.i)) return (this.i += 9), -Infinity;
    return this.number();
  }

  number(): number {
    const m = /^-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(this.s.slice(this.i));
    if (!m) throw new JsonDecodeError("Expecting value", this.i);
    this.i += m[0].length;
    if (!m[1] && !m[2]) {
      const digits = m[0].replace("-", "");
      if (digits.length > 4300) {
        throw new PyError("ValueError", "Exceeds the limit (4300 digits) for integer string conversion");
      }
    }
    return Number(m[0]);
  }

  string(): string {
    const s = this.s;
    const start = this.i;
    this.i++;
    let out = "";
    for (;;) {
      const c = s[this.i];
      if (c === undefined) throw new JsonDecodeError("Unterminated string starting at", start);
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c === "\\") {
        const e = s[this.i + 1];
        if (e === undefined) throw new JsonDecodeError("Unterminated string starting at", start);
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e in simple) {
          out += simple[e];
          this.i += 2;
          continue;
        }
        if (e !== "u") throw new JsonDecodeError("Invalid \\escape", this.i);
        const hex = s.slice(this.i + 2, this.i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonDecodeError("Invalid \\uXXXX escape", this.i + 1);
        out += String.fromCharCode(parseInt(hex, 16));
        this.i += 6;
        continue;
      }
      if (c.charCodeAt(0) < 0x20) throw new JsonDecodeError("Invalid control character at", this.i);
      out += c;
      this.i++;
    }
  }

  object(): { [key: string]: PyJson } {
    const obj: { [key: string]: PyJson } = Object.create(null) as { [key: string]: PyJson };
    this.i++;
    this.skipWs();
    if (this.s[this.i] === "}") {
      this.i++;
      return obj;
    }
    for (;;) {
      if (this.s[this.i] !== '"') {
        throw new JsonDecodeError("Expecting property name enclosed in double quotes", this.i);
      }
      const key = this.string();
      this.skipWs();
      if (this.s[this.i] !== ":") throw new JsonDecodeError("Expecting ':' delimiter", this.i);
      this.i++;
      this.skipWs();
      obj[key] = this.value();
      this.skipWs();
      const c = this.s[this.i];
      if (c === "}") {
        this.i++;
        return obj;
      }
      if (c !== ",") throw new JsonDecodeError("Expecting ',' delimiter", this.i);
      this.i++;
      this.skipWs();
    }
  }

  array(): PyJson[] {
    const arr: PyJson[] = [];
    this.i++;
    this.skipWs();
    if (this.s[this.i] === "]") {
      this.i++;
      return arr;
    }
    for (;;) {
      arr.push(this.value());
      this.skipWs();
      const c = this.s[this.i];
      if (c === "]") {
        this.i++;
        return arr;
      }
      if (c !== ",") throw new JsonDecodeError("Expecting ',' delimiter", this.i);
      this.i++;
      this.skipWs();
    }
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Python's `json.dumps(obj, sort_keys=True)` (ensure_ascii, ", " and ": " separators), then
 * jinja2's `htmlsafe_json_dumps` escaping of < > & ' — i.e. what jinja2's `tojson` filter emits.
 * Keys sort by code point like Python, not by localeCompare.
 */
export function jinjaToJson(v: unknown): string {
  return pyJsonDumps(v, true)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/'/g, "\\u0027");
}

export function pyJsonDumps(v: unknown, sortKeys = false): string {
  if (v === null || v === undefined) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    if (v === Infinity) return "Infinity";
    if (v === -Infinity) return "-Infinity";
    // A JS number cannot tell 1 from 1.0. Render it as Python would after reading the JSON that
    // JSON.stringify writes for it: an int unless it needs an exponent (|v| >= 1e21).
    if (Number.isInteger(v) && Math.abs(v) < 1e21) return BigInt(v).toString(); // JSON.stringify(-0) is "0"
    return pyFloatRepr(v);
  }
  if (typeof v === "string") return pyJsonString(v);
  if (Array.isArray(v)) return `[${v.map((x) => pyJsonDumps(x, sortKeys)).join(", ")}]`;
  if (isPlainObject(v)) {
    let keys = Object.keys(v);
    if (sortKeys) keys = keys.sort(compareCodePoints);
    return `{${keys.map((k) => `${pyJsonString(k)}: ${pyJsonDumps(v[k], sortKeys)}`).join(", ")}}`;
  }
  throw new PyError("TypeError", `Object of type ${typeof v} is not JSON serializable`);
}

/** Python orders str keys by code point; JS `<` compares UTF-16 units (differs above the BMP). */
export function compareCodePoints(a: string, b: string): number {
  const A = Array.from(a);
  const B = Array.from(b);
  for (let i = 0; i < Math.min(A.length, B.length); i++) {
    const x = A[i]!.codePointAt(0)!;
    const y = B[i]!.codePointAt(0)!;
    if (x !== y) return x - y;
  }
  return A.length - B.length;
}

// ensure_ascii=True: every non-ASCII UTF-16 unit as \uXXXX (Python emits surrogate pairs too).
function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const code = c.charCodeAt(0);
    if (c === '"') out += '\\"';
    else if (c === "\\") out += "\\\\";
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else if (c === "\b") out += "\\b";
    else if (c === "\f") out += "\\f";
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += c;
  }
  return out + '"';
}
