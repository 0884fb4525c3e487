import "server-only";
import type { RawRecord } from "../scan";
import { readRange, scanJsonArray, scanJsonl } from "../scan";
import type { Problem } from "../types";
import { rowFlags } from "../types";
import { pyJsonLoads } from "@/lib/pycompat/json";
import type { Reader, IndexedRecord, ReaderSource, RowRead } from "./types";

// JSON Lines and JSON arrays: scan.ts splits the file into byte ranges; this reader decodes and
// parses each range, turning every defect into a problem with its line.

/** How much of a record above the size limit is shown as raw text. */
const TOO_LARGE_PREVIEW = 1024 * 1024;

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

// Index-time parse: numeric arrays (token ids, loss mask, logprobs) are most of a slime line and
// the summary only needs their lengths, so they are cut out before JSON.parse (left as empty
// arrays) and their lengths kept aside. Samples are always read in full.
// One character class (digits, signs, exponent, "null" letters) keeps the regex linear and fast;
// a malformed number inside such an array is then reported when the sample is opened.
const NUM_ARRAY_RE = /"(tokens|loss_mask|rollout_log_probs)":\s*\[([-0-9.eE+,\snul]*)\]/g;

function countItems(body: string): number {
  if (body.trim() === "") return 0;
  let n = 1;
  for (let i = body.indexOf(","); i !== -1; i = body.indexOf(",", i + 1)) n++;
  return n;
}

function parseForIndex(text: string, lens: Map<string, number>): unknown {
  let repeated = false;
  const slim = text.replace(NUM_ARRAY_RE, (_m, key: string, body: string) => {
    if (lens.has(key)) repeated = true;
    lens.set(key, countItems(body));
    return `"${key}":[]`;
  });
  if (lens.size === 0) return JSON.parse(text);
  if (repeated) {
    lens.clear();
    return JSON.parse(text);
  }
  return JSON.parse(slim);
}

/**
 * JSON, else Python's json dialect: `json.dumps` writes NaN, Infinity and -Infinity by default and
 * Python reads them back, so a file of RL rewards often has them. The error is JSON.parse's.
 */
function parseJsonOrPython(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!/NaN|Infinity/.test(text)) throw e;
    try {
      return pyJsonLoads(text);
    } catch {
      throw e;
    }
  }
}

/** Decode and parse one record, turning every defect into a problem with its line. */
export function parseRecord(rec: RawRecord, row: number, maxRecordBytes: number, forIndex = false): IndexedRecord {
  const at = { offset: rec.offset, byteLength: rec.length, line: rec.line };
  const problems: Problem[] = [];
  if (rec.bytes === null) {
    problems.push({ line: rec.line, row, kind: "line_too_large", message: `record of ${rec.length} bytes exceeds the ${Math.round(maxRecordBytes / 1048576)} MiB limit; not parsed` });
    return { ...at, value: undefined, flags: rowFlags.tooLarge, problems, raw: null };
  }
  let flags = 0;
  const text = rec.bytes.toString("utf8");
  // Buffer decoding never fails; only when a replacement char shows up do we check strictly.
  if (text.includes("\uFFFD")) {
    try {
      fatalUtf8.decode(rec.bytes);
    } catch {
      flags |= rowFlags.badUtf8;
      problems.push({ line: rec.line, row, kind: "invalid_utf8", message: "invalid UTF-8 bytes (shown as \uFFFD)" });
    }
  }
  try {
    let value: unknown;
    const lens = new Map<string, number>();
    try {
      value = forIndex ? parseForIndex(text, lens) : JSON.parse(text);
    } catch {
      lens.clear();
      value = parseJsonOrPython(text); // the full parse gives the exact error (or succeeds)
    }
    return { ...at, value, flags, problems, raw: text, ...(lens.size ? { lens } : {}) };
  } catch (e) {
    problems.push({ line: rec.line, row, kind: "malformed_json", message: `malformed JSON: ${(e as Error).message.slice(0, 200)}` });
    return { ...at, value: undefined, flags: flags | rowFlags.malformed, problems, raw: text };
  }
}

/** JSON Lines (one record per line) or one JSON array whose elements may span lines. */
export function jsonReader(src: ReaderSource, container: "jsonl" | "json_array"): Reader {
  const max = src.maxRecordBytes;
  return {
    container,
    async *index(signal) {
      const scan = container === "json_array" ? scanJsonArray : scanJsonl;
      let row = 0;
      for await (const batch of scan(src.path, { maxRecordBytes: max, signal })) {
        yield { records: batch.records.map((rec) => parseRecord(rec, row++, max, true)), bytesDone: batch.bytesDone };
      }
    },
    async read(ref): Promise<RowRead> {
      if (ref.flags & rowFlags.tooLarge) {
        const bytes = await readRange(src.path, ref.offset, Math.min(ref.byteLength, TOO_LARGE_PREVIEW));
        const problems: Problem[] = [{ line: ref.line, row: ref.row, kind: "line_too_large", message: "record too large to parse" }];
        return { raw: bytes.toString("utf8"), truncated: true, value: undefined, problems };
      }
      const bytes = await readRange(src.path, ref.offset, ref.byteLength);
      const p = parseRecord({ offset: ref.offset, length: ref.byteLength, line: ref.line, bytes }, ref.row, max);
      return { raw: p.raw ?? "", truncated: false, value: p.value, problems: p.problems };
    },
    async exportLine(ref) {
      if (ref.flags & (rowFlags.tooLarge | rowFlags.malformed)) return null;
      const text = (await readRange(src.path, ref.offset, ref.byteLength)).toString("utf8").trim();
      // JSON array elements may span lines: re-serialize so the output stays one record per line.
      // (Python's NaN stays as written: the line is returned as it is.)
      if (container !== "json_array") return text;
      const v = parseJsonOrPython(text);
      return /NaN|Infinity/.test(text) ? text.replace(/\s*\n\s*/g, " ") : JSON.stringify(v);
    },
  };
}
