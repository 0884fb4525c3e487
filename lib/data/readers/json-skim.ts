// The index-time parse of one JSON object, for summaries: the numeric arrays that are most of a
// slime line (token ids, loss mask, logprobs) are checked and counted byte by byte, and only the
// rest of the line is decoded and handed to JSON.parse, with `[]` where each array was.
//
// The result must be what a full JSON.parse gives, with those arrays emptied and their lengths
// kept aside. So the skim only ever replaces a top-level value that it has checked to be a complete
// JSON array of plain numbers, at a place where the object expects a value; the rest of the line
// reaches JSON.parse byte for byte, and JSON.parse decides whether the line is valid. Anything
// unusual (not an object, an escaped key, invalid UTF-8, NaN in an array, a line JSON.parse
// refuses) answers null, and the caller parses the whole line instead.

/** Top-level fields whose plain-number arrays are cut out (the summary needs only their length). */
export const countedFields = ["tokens", "loss_mask", "rollout_log_probs"] as const;

const keyBytes = countedFields.map((k) => Buffer.from(k, "latin1"));

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/** A number longer than this is left to JSON.parse (Python refuses integers over 4300 digits). */
const MAX_NUMBER_CHARS = 300;

function isWs(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipWs(b: Buffer, i: number): number {
  while (isWs(b[i])) i++;
  return i;
}

/** Index of the quote closing the string that opens at `start`, or -1. */
function stringEnd(b: Buffer, start: number): number {
  let j = start + 1;
  for (;;) {
    const q = b.indexOf(QUOTE, j);
    if (q === -1) return -1;
    let k = q - 1;
    while (b[k] === BACKSLASH) k--;
    // An even run of backslashes escapes itself, not the quote.
    if ((q - 1 - k) % 2 === 0) return q;
    j = q + 1;
  }
}

/**
 * The end (exclusive) of a JSON value starting at `i`, assuming it is valid: JSON.parse checks it
 * later, as it reaches JSON.parse unchanged. -1 when it plainly is not.
 */
function valueEnd(b: Buffer, i: number, n: number): number {
  const c = b[i];
  if (c === QUOTE) {
    const e = stringEnd(b, i);
    return e === -1 ? -1 : e + 1;
  }
  if (c === LBRACE || c === LBRACKET) {
    let depth = 0;
    for (let j = i; j < n; j++) {
      const d = b[j];
      if (d === QUOTE) {
        const e = stringEnd(b, j);
        if (e === -1) return -1;
        j = e;
      } else if (d === LBRACE || d === LBRACKET) depth++;
      else if (d === RBRACE || d === RBRACKET) {
        if (--depth === 0) return j + 1;
      }
    }
    return -1;
  }
  // A number or a literal: up to the next delimiter.
  let j = i;
  while (j < n) {
    const d = b[j];
    if (d === COMMA || d === RBRACE || d === RBRACKET || isWs(d)) break;
    j++;
  }
  return j === i ? -1 : j;
}

/** Items counted by the last numberArrayEnd call. */
let counted = 0;

/**
 * The end (exclusive) of a JSON array of plain numbers starting at `i` (b[i] is '['), with the
 * count in `counted`; -1 when it is anything else (null, NaN, strings, nesting, bad numbers).
 * Every byte is checked against JSON's number grammar, so a malformed number is never hidden.
 */
function numberArrayEnd(b: Buffer, i: number, n: number): number {
  let c = b[++i];
  while (isWs(c)) c = b[++i];
  if (c === RBRACKET) {
    counted = 0;
    return i + 1;
  }
  let items = 0;
  for (;;) {
    const start = i;
    if (c === 0x2d) c = b[++i]; // '-'
    if (c === 0x30) c = b[++i]; // a leading 0 stands alone
    else if (c !== undefined && c >= 0x31 && c <= 0x39) {
      do c = b[++i];
      while (c !== undefined && c >= 0x30 && c <= 0x39);
    } else return -1;
    if (c === 0x2e) {
      c = b[++i];
      if (c === undefined || c < 0x30 || c > 0x39) return -1;
      do c = b[++i];
      while (c !== undefined && c >= 0x30 && c <= 0x39);
    }
    if (c === 0x65 || c === 0x45) {
      c = b[++i];
      if (c === 0x2b || c === 0x2d) c = b[++i];
      if (c === undefined || c < 0x30 || c > 0x39) return -1;
      do c = b[++i];
      while (c !== undefined && c >= 0x30 && c <= 0x39);
    }
    if (i - start > MAX_NUMBER_CHARS) return -1;
    items++;
    while (isWs(c)) c = b[++i];
    if (c === COMMA) {
      c = b[++i];
      while (isWs(c)) c = b[++i];
      continue;
    }
    if (c === RBRACKET && i < n) {
      counted = items;
      return i + 1;
    }
    return -1;
  }
}

function countedKey(b: Buffer, ks: number, ke: number): number {
  const len = ke - ks - 1;
  for (let k = 0; k < keyBytes.length; k++) {
    const kb = keyBytes[k]!;
    if (kb.length === len && b.compare(kb, 0, len, ks + 1, ke) === 0) return k;
  }
  return -1;
}

export interface Skimmed {
  /** The line with each counted array replaced by `[]`. */
  text: string;
  /** Lengths of the arrays cut out, by field (the last occurrence of a key wins, as in JSON.parse). */
  lens: Map<string, number>;
}

/**
 * The line's text with the counted arrays cut out, or null when the skim does not apply (then the
 * caller parses the whole line). `b` holds one JSON Lines record without its line ending.
 */
export function skimObject(b: Buffer): Skimmed | null {
  const n = b.length;
  let i = skipWs(b, 0);
  if (b[i] !== LBRACE) return null;
  i = skipWs(b, i + 1);
  const lens = new Map<string, number>();
  // Replaced spans [start, end), in order.
  const cuts: number[] = [];
  if (b[i] !== RBRACE) {
    for (;;) {
      if (b[i] !== QUOTE) return null;
      const ke = stringEnd(b, i);
      if (ke === -1) return null;
      // An escaped key might spell a counted field: leave such lines to the full parse.
      for (let k = i + 1; k < ke; k++) if (b[k] === BACKSLASH) return null;
      const key = countedKey(b, i, ke);
      i = skipWs(b, ke + 1);
      if (b[i] !== COLON) return null;
      i = skipWs(b, i + 1);
      let end = -1;
      if (key >= 0 && b[i] === LBRACKET) {
        end = numberArrayEnd(b, i, n);
        if (end !== -1) {
          cuts.push(i, end);
          lens.set(countedFields[key]!, counted);
        }
      }
      if (end === -1) {
        // A counted key whose value is kept: an earlier occurrence's length no longer applies.
        if (key >= 0) lens.delete(countedFields[key]!);
        end = valueEnd(b, i, n);
        if (end === -1) return null;
      }
      i = skipWs(b, end);
      if (b[i] === COMMA) {
        i = skipWs(b, i + 1);
        continue;
      }
      if (b[i] === RBRACE) break;
      return null;
    }
  }
  if (skipWs(b, i + 1) !== n) return null;
  if (cuts.length === 0) return { text: b.toString("utf8"), lens };
  let text = "";
  let at = 0;
  for (let k = 0; k < cuts.length; k += 2) {
    text += b.toString("utf8", at, cuts[k]) + "[]";
    at = cuts[k + 1]!;
  }
  text += b.toString("utf8", at, n);
  return { text, lens };
}
