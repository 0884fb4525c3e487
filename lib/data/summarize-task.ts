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

export function runSummarizeTask(t: SummarizeTask): RecordSummary[] {
  const n = t.offsets.length;
  const out: RecordSummary[] = new Array<RecordSummary>(n);
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
    const buf = start >= 0 ? readRangeSync(fd, start, end - start) : Buffer.alloc(0);
    for (let i = 0; i < n; i++) {
      const off = t.offsets[i]!;
      let bytes: Buffer | null = null;
      if (!t.tooLarge[i]) {
        bytes = buf.subarray(off - start, off - start + t.lengths[i]!);
        if (bytes.length && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
      }
      out[i] = summarizeJsonRecord({ offset: off, length: t.lengths[i]!, line: t.lines[i]!, bytes }, t.firstRow + i, t.format, t.maxRecordBytes, t.wantFields);
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
  return out;
}
