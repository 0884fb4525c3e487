// Stand-in for slime's `sympy.simplify(parse_expr(expr, standard_transformations +
// implicit_multiplication_application)) == 0`, built on @cortex-js/compute-engine.
//
// What matches sympy: implicit multiplication ("2x", "2(3)", "(1)(2)"), `^` as power, splitting
// unknown multi-letter names into single-letter symbols ("xy" = x*y), sqrt/pi/factorial, exact
// rationals for integer division, and 53-bit float arithmetic once a decimal literal appears
// (sympy Floats; 0.1+0.2-0.3 is not 0 there either).
// What differs: sympy's simplify is replaced by compute-engine's simplify, then (constant
// expressions) a 60-digit numeric check, or (with symbols) a check at six fixed irrational points,
// relative to the size of the terms. Functions beyond sqrt/sin/cos/tan/log/ln/exp/abs/factorial are
// not sympy's: a one-argument call of an unknown name splits into symbols like any unknown name
// (gamma(5) = g*a*m*m*a*5, so "not equal" where sympy says gamma(5) = 24), and a comma is a parse
// failure (binomial(5, 2): slime's bare except says "not equal", sympy would say 10). See the tests.
import { ComputeEngine } from "@cortex-js/compute-engine";

type Node =
  | { k: "int"; v: bigint }
  | { k: "float"; v: number; raw: string }
  | { k: "sym"; name: string }
  | { k: "const"; name: "Pi" }
  | { k: "fn"; name: string; arg: Node }
  | { k: "bin"; op: "+" | "-" | "*" | "/" | "^"; a: Node; b: Node }
  | { k: "neg"; a: Node }
  | { k: "fact"; a: Node };

const FUNCS: Record<string, string> = {
  sqrt: "Sqrt", sin: "Sin", cos: "Cos", tan: "Tan", log: "Ln", ln: "Ln", exp: "Exp", abs: "Abs",
  factorial: "Factorial",
};

type Tok = { t: "num"; v: string } | { t: "name"; v: string } | { t: "op"; v: string };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const rest = s.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\s+/.exec(rest))) {
      i += m[0].length;
    } else if ((m = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(rest))) {
      out.push({ t: "num", v: m[0] });
      i += m[0].length;
    } else if ((m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) {
      pushName(out, m[0]);
      i += m[0].length;
    } else if (rest.startsWith("**")) {
      out.push({ t: "op", v: "^" });
      i += 2;
    } else if ("+-*/()!".includes(rest[0]!)) {
      out.push({ t: "op", v: rest[0]! });
      i++;
    } else {
      throw new Error(`cannot parse ${JSON.stringify(rest[0])}`);
    }
  }
  return out;
}

// split_symbols: a name sympy does not know becomes single-letter symbols (digits become numbers).
function pushName(out: Tok[], name: string): void {
  if (name in FUNCS || name === "pi" || name.length === 1) {
    out.push({ t: "name", v: name });
    return;
  }
  if (name.includes("_")) {
    out.push({ t: "name", v: name });
    return;
  }
  for (const m of name.matchAll(/[0-9]+|[A-Za-z]/g)) {
    out.push(/[0-9]/.test(m[0]) ? { t: "num", v: m[0] } : { t: "name", v: m[0] });
  }
}

class Parser {
  i = 0;
  constructor(readonly toks: Tok[]) {}
  peek(): Tok | undefined {
    return this.toks[this.i];
  }
  eat(v: string): boolean {
    const t = this.peek();
    if (t && t.t === "op" && t.v === v) {
      this.i++;
      return true;
    }
    return false;
  }
  expr(): Node {
    let a = this.term();
    for (;;) {
      if (this.eat("+")) a = { k: "bin", op: "+", a, b: this.term() };
      else if (this.eat("-")) a = { k: "bin", op: "-", a, b: this.term() };
      else return a;
    }
  }
  // Implicit multiplication: a factor directly followed by something that starts a factor.
  term(): Node {
    let a = this.unary();
    for (;;) {
      if (this.eat("*")) a = { k: "bin", op: "*", a, b: this.unary() };
      else if (this.eat("/")) a = { k: "bin", op: "/", a, b: this.unary() };
      else if (this.startsFactor()) a = { k: "bin", op: "*", a, b: this.power() };
      else return a;
    }
  }
  startsFactor(): boolean {
    const t = this.peek();
    return !!t && (t.t === "num" || t.t === "name" || (t.t === "op" && t.v === "("));
  }
  unary(): Node {
    if (this.eat("-")) return { k: "neg", a: this.unary() };
    if (this.eat("+")) return this.unary();
    return this.power();
  }
  power(): Node {
    const base = this.postfix();
    if (this.eat("^")) return { k: "bin", op: "^", a: base, b: this.unary() };
    return base;
  }
  postfix(): Node {
    let a = this.atom();
    while (this.eat("!")) a = { k: "fact", a };
    return a;
  }
  atom(): Node {
    const t = this.peek();
    if (!t) throw new Error("unexpected end");
    this.i++;
    if (t.t === "num") {
      if (/^[0-9]+$/.test(t.v)) return { k: "int", v: BigInt(t.v) };
      return { k: "float", v: Number(t.v), raw: t.v };
    }
    if (t.t === "name") {
      if (t.v === "pi") return { k: "const", name: "Pi" };
      const fn = FUNCS[t.v];
      if (fn) {
        // implicit_application: "sqrt2" style arguments need a following factor.
        const arg = this.peek()?.t === "op" && (this.peek() as Tok).v === "(" ? this.atom() : this.power();
        return { k: "fn", name: fn, arg };
      }
      return { k: "sym", name: t.v };
    }
    if (t.v === "(") {
      const e = this.expr();
      if (!this.eat(")")) throw new Error("missing )");
      return e;
    }
    throw new Error(`unexpected ${t.v}`);
  }
}

export function parseSympyExpr(s: string): Node {
  const p = new Parser(tokenize(s));
  const e = p.expr();
  if (p.i !== p.toks.length) throw new Error("trailing input");
  return e;
}

function hasFloat(n: Node): boolean {
  switch (n.k) {
    case "float":
      return true;
    case "int":
    case "sym":
    case "const":
      return false;
    case "fn":
      return hasFloat(n.arg);
    case "neg":
    case "fact":
      return hasFloat(n.a);
    case "bin":
      return hasFloat(n.a) || hasFloat(n.b);
  }
}

// sympy gives a Float literal max(15, its digit count) decimal digits of precision.
function maxFloatDigits(n: Node): number {
  switch (n.k) {
    case "float":
      return n.raw.replace(/[eE].*$/, "").replace(".", "").replace(/^0+/, "").length;
    case "fn":
      return maxFloatDigits(n.arg);
    case "neg":
    case "fact":
      return maxFloatDigits(n.a);
    case "bin":
      return Math.max(maxFloatDigits(n.a), maxFloatDigits(n.b));
    default:
      return 0;
  }
}

function symbols(n: Node, acc = new Set<string>()): Set<string> {
  if (n.k === "sym") acc.add(n.name);
  else if (n.k === "fn") symbols(n.arg, acc);
  else if (n.k === "neg" || n.k === "fact") symbols(n.a, acc);
  else if (n.k === "bin") {
    symbols(n.a, acc);
    symbols(n.b, acc);
  }
  return acc;
}

type MathJson = number | string | MathJson[];
function toMathJson(n: Node): MathJson {
  switch (n.k) {
    case "int":
      return n.v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n.v) : { num: n.v.toString() } as unknown as MathJson;
    case "float":
      return { num: n.raw } as unknown as MathJson;
    case "sym":
      return `s_${n.name}`;
    case "const":
      return "Pi";
    case "fn":
      return [n.name, toMathJson(n.arg)];
    case "neg":
      return ["Negate", toMathJson(n.a)];
    case "fact":
      return ["Factorial", toMathJson(n.a)];
    case "bin": {
      const op = { "+": "Add", "-": "Subtract", "*": "Multiply", "/": "Divide", "^": "Power" }[n.op];
      return [op, toMathJson(n.a), toMathJson(n.b)];
    }
  }
}

// sympy Float arithmetic at 53 bits: evaluate with doubles in the same order.
function evalFloat(n: Node, env: Record<string, number>): number {
  switch (n.k) {
    case "int":
      return Number(n.v);
    case "float":
      return n.v;
    case "sym":
      return env[n.name] ?? NaN;
    case "const":
      return Math.PI;
    case "neg":
      return -evalFloat(n.a, env);
    case "fact": {
      const x = evalFloat(n.a, env);
      let r = 1;
      for (let i = 2; i <= x; i++) r *= i;
      return r;
    }
    case "fn": {
      const x = evalFloat(n.arg, env);
      const f: Record<string, (x: number) => number> = {
        Sqrt: Math.sqrt, Sin: Math.sin, Cos: Math.cos, Tan: Math.tan, Ln: Math.log, Exp: Math.exp, Abs: Math.abs,
        Factorial: (v) => evalFloat({ k: "fact", a: { k: "float", v, raw: String(v) } }, env),
      };
      return f[n.name]!(x);
    }
    case "bin": {
      const a = evalFloat(n.a, env);
      const b = evalFloat(n.b, env);
      switch (n.op) {
        case "+":
          return a + b;
        case "-":
          return a - b;
        case "*":
          return a * b;
        case "/":
          return a / b;
        case "^":
          return a ** b;
      }
    }
  }
}

// The size of the terms an expression adds up (every sign made positive): the scale its rounding
// error is relative to.
function evalScale(n: Node, env: Record<string, number>): number {
  switch (n.k) {
    case "neg":
      return evalScale(n.a, env);
    case "bin": {
      if (n.op === "+" || n.op === "-") return evalScale(n.a, env) + evalScale(n.b, env);
      if (n.op === "*") return evalScale(n.a, env) * evalScale(n.b, env);
      if (n.op === "/") return evalScale(n.a, env) / Math.abs(evalFloat(n.b, env));
      return Math.abs(evalFloat(n, env));
    }
    case "fn":
      return Math.abs(evalFloat(n, env)) + evalScale(n.arg, env);
    default:
      return Math.abs(evalFloat(n, env));
  }
}

// `.re` of a bignum result loses tiny magnitudes; read the MathJSON number instead.
function isNumericallyZero(json: unknown, eps: number): boolean {
  let x: number;
  if (typeof json === "number") x = json;
  else if (typeof json === "object" && json !== null && "num" in json) x = Number((json as { num: string }).num);
  else return false; // complex, symbolic or undefined: not a proven zero
  return Number.isFinite(x) && Math.abs(x) < eps;
}

let engine: ComputeEngine | undefined;
function ce(): ComputeEngine {
  if (!engine) {
    engine = new ComputeEngine();
    engine.precision = 60;
  }
  return engine;
}

/** True when sympy would (most likely) simplify `expr` to 0. Throws on input sympy cannot parse. */
export function sympyDiffIsZero(expr: string): boolean {
  const ast = parseSympyExpr(expr.replaceAll("^", "**")); // _sympy_parse does the same
  const syms = [...symbols(ast)];
  if (hasFloat(ast) && syms.length === 0) {
    // Up to 15 digits sympy computes at 53 bits, as doubles do. Longer literals carry more
    // precision: compare exactly at high precision instead (1/3 - 0.3333333333333333 != 0).
    if (maxFloatDigits(ast) <= 15) return evalFloat(ast, {}) === 0;
    return isNumericallyZero(ce().box(toMathJson(ast) as never).N().json, 1e-45);
  }
  const boxed = ce().box(toMathJson(ast) as never);
  const simplified = boxed.simplify();
  if (simplified.is(0)) return true;
  if (syms.length === 0) {
    return isNumericallyZero(boxed.N().json, 1e-40);
  }
  // Symbolic: the difference must vanish at several points (sympy's simplify proves identities).
  // The points are irrational-looking doubles, so a short decimal literal cannot sit on one, and
  // "vanish" is relative to the size of the terms, so a tiny constant (x + 1e-12 - x) is not zero.
  const points = [Math.SQRT2 / 3, Math.E / 2.2, -Math.PI / 1.3, 1 + 1 / Math.sqrt(7), 4.1 * Math.LN2, -0.5 - Math.sqrt(3) / 10];
  // A point outside the real domain (log or sqrt of a negative: NaN) says nothing, as sympy works
  // over the complex numbers; at least half the points must be real.
  let real = 0;
  for (const p of points) {
    const env: Record<string, number> = {};
    syms.forEach((s, i) => (env[s] = p + i * 0.6180339887498949));
    const v = evalFloat(ast, env);
    if (Number.isNaN(v)) continue;
    const scale = Math.max(1e-300, evalScale(ast, env));
    if (!Number.isFinite(v) || Math.abs(v) > 1e-12 * scale) return false;
    real++;
  }
  return real >= points.length / 2;
}
