import "server-only";
import { groupKey, isObject, normalizeRecord, previewOf } from "./normalize";
import { parseRecord } from "./readers/json";
import type { DatasetFormat, NormalizedSample, Problem } from "./types";

// What the index keeps of one record (the list's columns, the search text, the problems). It is
// computed from the record alone, so it can run anywhere: in the indexing thread, or in a worker
// thread over a range of JSON Lines rows (summarize.worker.ts).

export interface RecordSummary {
  index: number | null;
  groupKey: string | null;
  status: string | null;
  reward: number | null;
  acc: boolean | null;
  toolCalls: number | null;
  respLen: number | null;
  lenInChars: boolean;
  flags: number;
  preview: string;
  /** Plain text the regex search runs over. */
  text: string;
  problems: Problem[];
  /** Top-level keys (for the raw-field list), when asked for. */
  fields: string[] | null;
  hasTokens: boolean;
  /** The training step (verl's step, slime's rollout id). */
  step: number | null;
}

const PREVIEW = 100;
const UNPARSED_TEXT = 65536;

/** A record as a reader hands it over: parsed (`value`) or not, with what decoding found. */
export interface ParsedRecord {
  byteLength: number;
  value: unknown;
  raw: string | null;
  flags: number;
  problems: Problem[];
  lens?: Map<string, number>;
}

/** The summary of a parsed record; `s` is its normalized form (absent when it did not parse). */
export function summaryOf(p: ParsedRecord, s: NormalizedSample | null, wantFields: boolean): RecordSummary {
  if (p.value === undefined || s === null) {
    return {
      index: null, groupKey: null, status: null, reward: null, acc: null, toolCalls: null, respLen: null, lenInChars: false,
      flags: p.flags, preview: p.raw ? p.raw.slice(0, PREVIEW) : `(${p.byteLength} bytes, not parsed)`,
      text: p.raw?.slice(0, UNPARSED_TEXT) ?? "", problems: p.problems, fields: null, hasTokens: false, step: null,
    };
  }
  // The index-time parse leaves counted arrays empty, with their lengths in `lens`; a format that
  // does not read a loss mask has none, counted or not.
  const maskLen = s.loss_mask ? (p.lens?.get("loss_mask") ?? s.loss_mask.length) : undefined;
  const tokenLen = s.response_length ?? maskLen ?? null;
  return {
    index: s.index,
    groupKey: groupKey(s),
    status: s.status,
    // NaN / ±Infinity by value: the row store keeps their names.
    reward: s.reward_nonfinite ? Number(s.reward_nonfinite) : s.reward,
    acc: s.acc,
    toolCalls: s.tool_call_count,
    respLen: tokenLen ?? (s.response ? [...s.response].length : null),
    lenInChars: tokenLen === null,
    flags: p.flags | s.flags,
    preview: previewOf(s).slice(0, PREVIEW),
    text: `${s.prompt}\n${s.response}`,
    problems: [...p.problems, ...s.problems],
    fields: wantFields && isObject(p.value) ? Object.keys(p.value) : null,
    // The index-time parse leaves token arrays empty (their lengths are in `lens`), but present.
    hasTokens: Boolean(s.tokens && s.loss_mask),
    step: typeof s.step === "number" && Number.isFinite(s.step) ? s.step : null,
  };
}

/** One JSON record's summary from its bytes (null bytes: above the size limit, not parsed). */
export function summarizeJsonRecord(
  rec: { offset: number; length: number; line: number; bytes: Buffer | null },
  row: number,
  format: DatasetFormat,
  maxRecordBytes: number,
  wantFields: boolean,
): RecordSummary {
  const p = parseRecord(rec, row, maxRecordBytes, true);
  const s = p.value === undefined ? null : normalizeRecord(format, p.value, { row, line: rec.line });
  return summaryOf(p, s, wantFields);
}
