import type { TrafficBucket } from "@/lib/traffic/types";

// Calls per interval as stacked bars (ok, errors, timeouts) with the p95 latency as a line.
// Plain SVG: a few dozen buckets need no chart library.

export function TrafficChart({ series, intervalMs }: { series: TrafficBucket[]; intervalMs: number }) {
  const w = 240;
  const h = 44;
  const n = Math.max(1, series.length);
  const bw = w / n;
  const maxCalls = Math.max(1, ...series.map((b) => b.calls));
  const maxP95 = Math.max(1, ...series.map((b) => b.p95_ms ?? 0));
  const y = (v: number, max: number) => h - (v / max) * (h - 2);
  const line = series
    .map((b, i) => (b.p95_ms === null ? null : `${(i + 0.5) * bw},${y(b.p95_ms, maxP95).toFixed(1)}`))
    .filter(Boolean)
    .join(" ");
  return (
    <svg data-testid="traffic-chart" width={w} height={h} viewBox={`0 0 ${w} ${h}`} className="shrink-0 rounded bg-zinc-50 ring-1 ring-zinc-200" role="img" aria-label="Calls per interval and p95 latency">
      {series.map((b, i) => {
        const ok = b.calls - b.errors - b.timeouts;
        const parts: [number, string][] = [
          [ok, "fill-indigo-300"],
          [b.errors, "fill-red-400"],
          [b.timeouts, "fill-amber-400"],
        ];
        let top = h;
        return (
          <g key={b.start}>
            <title>
              {`${new Date(b.start).toLocaleTimeString()} (+${intervalMs / 1000} s): ${b.calls} calls, ${b.errors} errors, ${b.timeouts} timeouts, p95 ${b.p95_ms === null ? "–" : `${Math.round(b.p95_ms)} ms`}, queue ≤ ${b.queue_depth}`}
            </title>
            {parts.map(([v, cls], j) => {
              if (v <= 0) return null;
              const hh = (v / maxCalls) * (h - 2);
              top -= hh;
              return <rect key={j} x={i * bw + 0.5} y={top} width={Math.max(1, bw - 1)} height={hh} className={cls} />;
            })}
          </g>
        );
      })}
      {line && <polyline points={line} fill="none" className="stroke-zinc-700" strokeWidth={1} />}
    </svg>
  );
}
