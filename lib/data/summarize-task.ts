import "server-only";
import fs from "node:fs";
import { readRangeSync } from "./scan";
import { summarizeJsonRecord, type RecordSummary } from "./summary";
import type { DatasetFormat } from "./types";

// One unit of the lazy index's work: a run of consecutive JSON Lines rows, summarized from the
// file. Runs in a worker thread (summarize.worker.ts), or here when workers are unavailable.

export interface SummarizeTask {
  path: string;
  format: DatasetFormat;
  maxRecordBytes: number;
  firstRow: number;
  offsets: Float64Array;
  lengths: Float64Array;
  lines: Int32Array;
  /** Records above the size limit: summarized without reading their bytes. */
  tooLarge: Uint8Array;
  /** Report the records' top-level keys (their union, on the first summary). */
  wantFields: boolean;
}

/**
 * The run's summaries. Their search text travels apart, as UTF-8 back to back in one buffer (moved
 * to the server thread, not copied, and written to the text cache as it is): `rows[i].text` is "".
 */
export interface SummarizedRun {
  rows: RecordSummary[];
  text: Uint8Array;
  textLengths: Int32Array;
}

// The run's bytes are read into one buffer, kept between tasks (a thread reads runs of about a
// MiB); a run with a record larger than this gets a buffer of its own.
const KEEP_BUFFER = 8 * 1024 * 1024;
let scratch = Buffer.allocUnsafeSlow(0);
// The run's search text is encoded as each row is summarized (the strings need not stay alive).
let textScratch = Buffer.allocUnsafeSlow(1 << 20);

function readRun(fd: number, start: number, len: number): Buffer {
  if (len > KEEP_BUFFER) return readRangeSync(fd, start, len);
  if (scratch.length < len) scratch = Buffer.allocUnsafeSlow(Math.max(len, Math.min(KEEP_BUFFER, scratch.length * 2)));
  let done = 0;
  while (done < len) {
    const n = fs.readSync(fd, scratch, done, len - done, start + done);
    if (n === 0) break;
    done += n;
  }
  return scratch.subarray(0, done);
}

export function runSummarizeTask(t: SummarizeTask): SummarizedRun {
  const n = t.offsets.length;
  const out: RecordSummary[] = new Array<RecordSummary>(n);
  const textLengths = new Int32Array(n);
  let textEnd = 0;
  const fd = fs.openSync(t.path, "r");
  try {
    // One read for the whole run (a few MB), then views into it.
    let start = -1;
    let end = 0;
    for (let i = 0; i < n; i++) {
      if (t.tooLarge[i]) continue;
      if (start < 0) start = t.offsets[i]!;
      end = Math.max(end, t.offsets[i]! + t.lengths[i]!);
    }
    const buf = start >= 0 ? readRun(fd, start, end - start) : Buffer.alloc(0);
    for (let i = 0; i < n; i++) {
      const off = t.offsets[i]!;
      let bytes: Buffer | null = null;
      if (!t.tooLarge[i]) {
        bytes = buf.subarray(off - start, off - start + t.lengths[i]!);
        if (bytes.length && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
      }
      const sum = summarizeJsonRecord({ offset: off, length: t.lengths[i]!, line: t.lines[i]!, bytes }, t.firstRow + i, t.format, t.maxRecordBytes, t.wantFields);
      // UTF-8 takes at most 3 bytes per UTF-16 unit.
      const room = textEnd + sum.text.length * 3;
      if (room > textScratch.length) {
        const grown = Buffer.allocUnsafeSlow(Math.max(room, textScratch.length * 2));
        textScratch.copy(grown, 0, 0, textEnd);
        textScratch = grown;
      }
      const len = textScratch.write(sum.text, textEnd, "utf8");
      textLengths[i] = len;
      textEnd += len;
      sum.text = "";
      out[i] = sum;
    }
    // Keys in order of first appearance, carried once by the run's first row (not once per row).
    if (t.wantFields && n > 0) {
      const keys = new Set<string>();
      for (const sum of out) {
        for (const k of sum.fields ?? []) keys.add(k);
        sum.fields = null;
      }
      out[0]!.fields = [...keys];
    }
  } finally {
    fs.closeSync(fd);
  }
  // A buffer of its own (never a slice of Node's shared pool), so it can be moved to another thread.
  const text = Buffer.allocUnsafeSlow(textEnd);
  textScratch.copy(text, 0, 0, textEnd);
  if (textScratch.length > KEEP_BUFFER) textScratch = Buffer.allocUnsafeSlow(1 << 20);
  return { rows: out, text, textLengths };
}
