// Normalization for reader records: the record formats' own normalizeRecord, plus what dumps add
// (the step a sample came from, per-token train values).
import { isObject, normalizeRecord } from "../normalize";
import type { DatasetFormat, NormalizedSample, PerTokenValues } from "../types";
import { perTokenKeys } from "../types";

export function normalizeWithStep(format: DatasetFormat, record: Record<string, unknown>, ctx: { row: number; line: number }): NormalizedSample {
  const s = normalizeRecord(format, record, ctx);
  const dump = record.dump;
  if (isObject(dump) && typeof dump.rollout_id === "number") s.step = dump.rollout_id;
  else if (typeof record.step === "number") s.step = record.step;
  // Train values only: a rollout dump's rollout_log_probs is already on the sample.
  if (perTokenKeys.some((k) => k !== "rollout_log_probs" && Array.isArray(record[k]))) {
    const per: PerTokenValues = {};
    for (const k of perTokenKeys) {
      const v = record[k];
      if (!Array.isArray(v)) continue;
      let plain = true;
      for (const x of v) {
        if (typeof x === "number") continue;
        plain = false;
        if (x !== null) break;
      }
      if (!plain && !v.every((x) => typeof x === "number" || x === null)) continue;
      // NaN/inf cannot be written in JSON: converters write null.
      per[k] = plain ? (v as number[]) : v.map((x) => (x === null ? NaN : (x as number)));
      if (k !== "rollout_log_probs") delete s.extra[k];
    }
    s.per_token = per;
  }
  return s;
}
