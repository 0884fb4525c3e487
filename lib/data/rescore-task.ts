import "server-only";
import fs from "node:fs";
import { computeReward, type RewardInput, type RewardOutcome } from "@/lib/reward";
import { normalizeRecord } from "./normalize";
import { parseRecord } from "./readers/json";
import { readRangeSync } from "./scan";
import type { DatasetFormat, NormalizedSample } from "./types";

// Re-score a run of JSON records straight from the file: read, parse, normalize, score. Runs in a
// worker thread (rescore.worker.ts) so a batch uses every core; the server thread applies results.

export interface RescoreTask {
  path: string;
  format: DatasetFormat;
  maxRecordBytes: number;
  rewardType: string;
  rows: Int32Array;
  offsets: Float64Array;
  lengths: Float64Array;
  lines: Int32Array;
  /** Records above the size limit are scored as empty samples, as the server thread does. */
  tooLarge: Uint8Array;
}

/** What a sample is scored on; shared with batch-jobs.ts so worker and server-thread scores agree. */
export function rewardInput(s: NormalizedSample): RewardInput {
  return { prompt: s.prompt, response: s.response, label: s.label ?? "", tool_call_count: s.tool_call_count ?? 0, metadata: s.metadata };
}

export async function runRescoreTask(t: RescoreTask): Promise<RewardOutcome[]> {
  const fd = fs.openSync(t.path, "r");
  const out: RewardOutcome[] = [];
  try {
    for (let i = 0; i < t.rows.length; i++) {
      const len = t.tooLarge[i] ? 0 : t.lengths[i]!;
      const row = t.rows[i]!;
      const rec = { offset: t.offsets[i]!, length: len, line: t.lines[i]!, bytes: t.tooLarge[i] ? null : readRangeSync(fd, t.offsets[i]!, len) };
      const p = parseRecord(rec, row, t.maxRecordBytes);
      // An unreadable record scores like the empty sample the server thread would build for it.
      const s = normalizeRecord(t.format, p.value === undefined ? {} : p.value, { row, line: t.lines[i]! });
      out.push(await computeReward(t.rewardType, rewardInput(s)));
    }
  } finally {
    fs.closeSync(fd);
  }
  return out;
}
