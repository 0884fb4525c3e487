import "server-only";
import type { RawRecord } from "../scan";
import { readRange, scanJsonArray, scanJsonl } from "../scan";
import type { Problem } from "../types";
import { rowFlags } from "../types";
import { isUtf8 } from "node:buffer";
import { pyJsonLoads } from "@/lib/pycompat/json";
import { skimObject } from "./json-skim";
import type { Reader, IndexedRecord, ReaderSource, RowRead } from "./types";

// JSON Lines and JSON arrays: scan.ts splits the file into byte ranges; this reader decodes and
// parses each range, turning every defect into a problem with its line.

/** How much of a record above the size limit is shown as raw text. */
const TOO_LARGE_PREVIEW = 1024 * 1024;

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

// Index-time parse: numeric arrays (token ids, loss mask, logprobs) are most of a slime line and
// the summary only needs their lengths, so json-skim.ts checks and counts them without decoding
// and JSON.parse sees the rest of the line (with those arrays left empty). Samples are always read
// in full. Any line the skim does not take is parsed in full here, so the value is the same.
function parseForIndex(bytes: Buffer): { value: unknown; lens: Map<string, number> } | null {
  // Invalid UTF-8 is reported by the full parse (with the line's decoded text).
  if (!isUtf8(bytes)) return null;
  const skim = skimObject(bytes);
  if (!skim) return null;
  try {
    return { value: JSON.parse(skim.text), lens: skim.lens };
  } catch {
    // Python's dialect, as the full parse reads it (the arrays cut out hold no NaN or Infinity).
    if (!/NaN|Infinity/.test(skim.text)) return null;
    try {
      return { value: pyJsonLoads(skim.text), lens: skim.lens };
    } catch {
      return null;
    }
  }
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
  if (forIndex) {
    const fast = parseForIndex(rec.bytes);
    // The text is not kept: the index needs a parsed record's summary only. (A literal, not
    // spreads: copying `at` and an optional key by spread costs more than the parse, per line.)
    if (fast) {
      const r: IndexedRecord = { offset: rec.offset, byteLength: rec.length, line: rec.line, value: fast.value, flags: 0, problems, raw: null };
      if (fast.lens.size) r.lens = fast.lens;
      return r;
    }
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
    return { ...at, value: parseJsonOrPython(text), flags, problems, raw: text };
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
