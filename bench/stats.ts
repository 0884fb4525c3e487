/** The p-th percentile (p in 0–100) of xs: the value at index ⌊p/100 · n⌋ of the sorted samples; NaN for none. */
export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}
