// One percentile for the whole repo (the Traffic header's p50/p95 and the bench:* tables):
// nearest rank, the smallest sample with at least p of all samples at or below it.

/** The p-quantile (p in 0–1) of ascending `sorted` samples by nearest rank; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[idx]!;
}
