import "server-only";
import { percentile } from "@/lib/percentile";
import type { RecentCall } from "./recent";
import { isErrorOutcome, type TrafficBucket, type TrafficStats } from "./types";

// The Traffic header's numbers: rates over a window by completion time, and a series of buckets
// for its chart. Latency = queue wait + run time.

const byNumber = (a: number, b: number) => a - b;

export interface StatsInput {
  /** Recent calls, newest first. */
  calls: Iterable<RecentCall>;
  /** [second since epoch, max depth] samples. */
  depthSeries: Iterable<[number, number]>;
  queueDepth: number;
  recording: TrafficStats["recording"];
  now: number;
  windowMs: number;
  intervalMs: number;
}

export function computeTrafficStats(input: StatsInput): TrafficStats {
  const { now, windowMs } = input;
  const intervalMs = Math.max(1000, input.intervalMs);
  const from = now - windowMs;
  const firstBucket = Math.floor(from / intervalMs) * intervalMs;
  const nBuckets = Math.floor((now - firstBucket) / intervalMs) + 1;
  const lat: number[][] = Array.from({ length: nBuckets }, () => []);
  const buckets: TrafficBucket[] = Array.from({ length: nBuckets }, (_, i) => ({
    start: firstBucket + i * intervalMs,
    calls: 0,
    errors: 0,
    timeouts: 0,
    p50_ms: null,
    p95_ms: null,
    queue_depth: 0,
  }));
  const all: number[] = [];
  let calls = 0;
  let errors = 0;
  let timeouts = 0;
  for (const e of input.calls) {
    if (e.done < from) break;
    if (e.done > now) continue;
    const l = e.rec.queue_ms + e.rec.run_ms;
    calls += 1;
    all.push(l);
    const isErr = isErrorOutcome(e.rec.outcome);
    const isTimeout = e.rec.outcome === "timeout";
    if (isErr) errors += 1;
    if (isTimeout) timeouts += 1;
    const b = Math.floor((e.done - firstBucket) / intervalMs);
    if (b >= 0 && b < nBuckets) {
      buckets[b]!.calls += 1;
      if (isErr) buckets[b]!.errors += 1;
      if (isTimeout) buckets[b]!.timeouts += 1;
      lat[b]!.push(l);
    }
  }
  for (let i = 0; i < nBuckets; i++) {
    const s = lat[i]!.sort(byNumber);
    buckets[i]!.p50_ms = percentile(s, 0.5);
    buckets[i]!.p95_ms = percentile(s, 0.95);
  }
  for (const [sec, d] of input.depthSeries) {
    const b = Math.floor((sec * 1000 - firstBucket) / intervalMs);
    if (b >= 0 && b < nBuckets) buckets[b]!.queue_depth = Math.max(buckets[b]!.queue_depth, d);
  }
  all.sort(byNumber);
  return {
    now,
    window_ms: windowMs,
    interval_ms: intervalMs,
    calls,
    calls_per_s: calls / (windowMs / 1000),
    p50_ms: percentile(all, 0.5),
    p95_ms: percentile(all, 0.95),
    queue_depth: input.queueDepth,
    error_rate: calls ? errors / calls : 0,
    timeout_rate: calls ? timeouts / calls : 0,
    series: buckets,
    recording: input.recording,
  };
}
