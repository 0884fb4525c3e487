// Before a re-score: how many rows of the scope carry a label. A reward compares the answer with
// the label, so a row without one scores as a failure (−1, or −1.05 with a tool-call penalty),
// which is not a finding about the model. Isomorphic (takes anything that reads a sample).
import type { NormalizedSample } from "./types";

export interface LabelCoverage {
  /** Rows in the scope. */
  total: number;
  /** Rows read (the first `limit` of the scope). */
  checked: number;
  /** Checked rows without a label. */
  missing: number;
  /** The first rows without one. */
  examples: number[];
}

export function hasLabel(s: Pick<NormalizedSample, "label">): boolean {
  return s.label !== null && s.label.trim() !== "";
}

export async function labelCoverage(
  ds: { sample(row: number): Promise<{ sample: NormalizedSample }> },
  rows: ArrayLike<number>,
  opts: { limit?: number; signal?: AbortSignal } = {},
): Promise<LabelCoverage> {
  const limit = Math.min(rows.length, opts.limit ?? 20_000);
  let missing = 0;
  const examples: number[] = [];
  let checked = 0;
  for (; checked < limit && !opts.signal?.aborted; checked++) {
    const row = rows[checked]!;
    const { sample } = await ds.sample(row);
    if (hasLabel(sample)) continue;
    missing++;
    if (examples.length < 10) examples.push(row);
  }
  return { total: rows.length, checked, missing, examples };
}
