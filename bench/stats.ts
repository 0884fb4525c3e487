import { percentile } from "@/lib/percentile";

/** The p-th percentile (p in 0–100) of xs by nearest rank (lib/percentile.ts, as the Traffic page computes it); NaN for none. */
export function pct(xs: number[], p: number): number {
  return percentile([...xs].sort((a, b) => a - b), p / 100) ?? NaN;
}
