// A small Python highlighter for tool-call code (keywords, strings, comments,
// numbers). Enough to read code at a glance without a second editor bundle.

export type TokenKind = "kw" | "str" | "com" | "num" | "fn" | "plain";

const KEYWORDS = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield print range len sum int float str list dict set tuple".split(
    " ",
  ),
);

const TOKEN_RE =
  /("""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|[rbfuRBFU]{0,2}"(?:\\.|[^"\\\n])*"?|[rbfuRBFU]{0,2}'(?:\\.|[^'\\\n])*'?)|(#[^\n]*)|(\b\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?j?\b)|([A-Za-z_][A-Za-z0-9_]*)/g;

export function highlightPython(code: string): { kind: TokenKind; text: string }[] {
  const out: { kind: TokenKind; text: string }[] = [];
  let last = 0;
  for (const m of code.matchAll(TOKEN_RE)) {
    const i = m.index;
    if (i > last) out.push({ kind: "plain", text: code.slice(last, i) });
    const [text, str, com, num, word] = m;
    let kind: TokenKind = "plain";
    if (str !== undefined) kind = "str";
    else if (com !== undefined) kind = "com";
    else if (num !== undefined) kind = "num";
    else if (word !== undefined) kind = KEYWORDS.has(word) ? "kw" : code[i + text.length] === "(" ? "fn" : "plain";
    out.push({ kind, text });
    last = i + text.length;
  }
  if (last < code.length) out.push({ kind: "plain", text: code.slice(last) });
  return out;
}
