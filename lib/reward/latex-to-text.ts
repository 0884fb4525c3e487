// A subset of pylatexenc 2.10's LatexNodes2Text().latex_to_text, enough for the answers that
// slime's math grader feeds it (after its own normalisation). Behaviours reproduced: a macro eats
// the whitespace after its name; unknown macros vanish but their {groups} stay; \frac -> a/b with
// no parentheses; \sqrt[n]{x} -> √(x); \\ -> newline; ~ -> no-break space; & -> three spaces.
// Not reproduced: math-alphabet macros (\mathbf -> bold Unicode letters), accents (\hat{x} ->
// combining characters), environments, and the long tail of symbol macros.

const SYMBOLS: Record<string, string> = {
  pi: "π", Pi: "Π", infty: "∞", cup: "∪", cap: "∩", cdot: "·", times: "×", div: "÷", pm: "±", mp: "∓",
  circ: "∘", le: "≤", leq: "≤", ge: "≥", geq: "≥", neq: "≠", approx: "≈", sim: "∼", equiv: "≡",
  in: "∈", notin: "∉", subset: "⊂", subseteq: "⊆", emptyset: "∅", varnothing: "∅", to: "→",
  rightarrow: "→", leftarrow: "←", Rightarrow: "⇒", Leftrightarrow: "⇔", mid: "|", vert: "|", Vert: "‖",
  langle: "⟨", rangle: "⟩", lfloor: "⌊", rfloor: "⌋", lceil: "⌈", rceil: "⌉", sum: "∑", prod: "∏",
  int: "∫", prime: "'", dots: "…", ldots: "…", cdots: "⋯", ast: "∗", star: "⋆", angle: "∠",
  degree: "°", perp: "⊥", parallel: "∥", partial: "∂", nabla: "∇", forall: "∀", exists: "∃",
  alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ϵ", varepsilon: "ε", zeta: "ζ", eta: "η",
  theta: "θ", vartheta: "ϑ", iota: "ι", kappa: "κ", lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", rho: "ρ",
  sigma: "σ", tau: "τ", upsilon: "υ", phi: "ϕ", varphi: "φ", chi: "χ", psi: "ψ", omega: "ω",
  Gamma: "Γ", Delta: "Δ", Theta: "Θ", Lambda: "Λ", Xi: "Ξ", Sigma: "Σ", Upsilon: "Υ", Phi: "Φ",
  Psi: "Ψ", Omega: "Ω",
  sin: "sin", cos: "cos", tan: "tan", cot: "cot", sec: "sec", csc: "csc", arcsin: "arcsin",
  arccos: "arccos", arctan: "arctan", sinh: "sinh", cosh: "cosh", tanh: "tanh", log: "log", ln: "ln",
  exp: "exp", lim: "lim", max: "max", min: "min", sup: "sup", inf: "inf",
  ",": " ", ";": " ", ":": " ", " ": " ", "!": "", quad: "  ", qquad: "    ",
  "{": "{", "}": "}", "%": "%", "&": "&", "#": "#", _: "_", $: "$",
  left: "", right: "", bigl: "", bigr: "", Bigl: "", Bigr: "", big: "", Big: "", displaystyle: "",
};

// Macros whose one mandatory argument is rendered as is.
const ONE_ARG = new Set([
  "text", "textrm", "textbf", "textit", "texttt", "textsf", "mathrm", "mathit", "mbox", "operatorname",
  "overline", "underline", "emph", "boxed", "pmod", "mathbb", "mathcal", "mathbf", "mathsf", "hbox",
]);

class Walker {
  i = 0;
  constructor(readonly s: string) {}

  skipSpaces(): void {
    while (this.i < this.s.length && /[ \t\n\r]/.test(this.s[this.i]!)) this.i++;
  }

  /** One argument: a {group}, a macro, or a single character (after optional spaces). */
  arg(): string {
    this.skipSpaces();
    const c = this.s[this.i];
    if (c === undefined) return "";
    if (c === "{") return this.group();
    if (c === "\\") return this.macro();
    const cp = String.fromCodePoint(this.s.codePointAt(this.i)!);
    this.i += cp.length;
    return cp;
  }

  optArg(): void {
    const save = this.i;
    this.skipSpaces();
    if (this.s[this.i] !== "[") {
      this.i = save;
      return;
    }
    let depth = 0;
    for (; this.i < this.s.length; this.i++) {
      const c = this.s[this.i];
      if (c === "[") depth++;
      if (c === "]" && --depth === 0) {
        this.i++;
        return;
      }
    }
  }

  group(): string {
    this.i++; // {
    const out = this.nodes("}");
    if (this.s[this.i] === "}") this.i++;
    return out;
  }

  macro(): string {
    this.i++; // backslash
    const c = this.s[this.i];
    if (c === undefined) return "";
    let name: string;
    if (/[A-Za-z]/.test(c)) {
      const m = /^[A-Za-z]+\*?/.exec(this.s.slice(this.i))!;
      name = m[0];
      this.i += name.length;
      this.skipSpaces();
    } else {
      name = c;
      this.i++;
      if (name === "\\") return "\n";
    }
    if (name === "frac" || name === "dfrac" || name === "tfrac" || name === "nicefrac") {
      if (name === "dfrac" || name === "tfrac") return ""; // unknown to pylatexenc 2.10
      const a = this.arg();
      const b = this.arg();
      return `${a}/${b}`;
    }
    if (name === "sqrt") {
      this.optArg();
      return `√(${this.arg()})`;
    }
    if (name === "binom") return this.arg() + this.arg();
    if (ONE_ARG.has(name)) return this.arg();
    return SYMBOLS[name] ?? "";
  }

  nodes(until?: string): string {
    let out = "";
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (until !== undefined && c === until) break;
      if (c === "\\") out += this.macro();
      else if (c === "{") out += this.group();
      else if (c === "}") this.i++;
      else if (c === "~") {
        out += "\u00a0";
        this.i++;
      } else if (c === "&") {
        out += "   ";
        this.i++;
      } else if (c === "%") {
        while (this.i < this.s.length && this.s[this.i] !== "\n") this.i++;
      } else if (c === "$") {
        this.i++;
      } else {
        out += c;
        this.i++;
      }
    }
    return out;
  }
}

export function latexToText(s: string): string {
  return new Walker(s).nodes();
}
