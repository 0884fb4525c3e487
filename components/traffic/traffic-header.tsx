import type { TrafficStats } from "@/lib/traffic/types";
import { EnclaveSandboxes } from "./enclave-sandboxes";
import { TrafficChart } from "./traffic-chart";

function ms(v: number | null): string {
  if (v === null) return "–";
  return v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
}

function pct(v: number): string {
  return `${(v * 100).toFixed(v > 0 && v < 0.01 ? 2 : 1)}%`;
}

function Stat({ label, value, testId, tone }: { label: string; value: string; testId: string; tone?: "bad" | "warn" }) {
  return (
    <div className="min-w-0">
      <div className="text-[11px] uppercase tracking-wide text-zinc-500">{label}</div>
      <div data-testid={testId} className={tone === "bad" ? "font-mono text-sm font-semibold text-red-700" : tone === "warn" ? "font-mono text-sm font-semibold text-amber-700" : "font-mono text-sm font-semibold text-zinc-900"}>
        {value}
      </div>
    </div>
  );
}

/** Rates over the last minutes (the window the server computed them on). */
export function TrafficHeader({ stats }: { stats: TrafficStats | null }) {
  const minutes = stats ? Math.round(stats.window_ms / 60_000) : 5;
  return (
    <div data-testid="traffic-header" className="flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-zinc-200 bg-white px-4 py-2">
      <Stat label="calls/s" testId="stat-rate" value={stats ? stats.calls_per_s.toFixed(2) : "–"} />
      <Stat label="p50" testId="stat-p50" value={ms(stats?.p50_ms ?? null)} />
      <Stat label="p95" testId="stat-p95" value={ms(stats?.p95_ms ?? null)} />
      <Stat label="queue" testId="stat-queue" value={stats ? String(stats.queue_depth) : "–"} tone={stats && stats.queue_depth > 0 ? "warn" : undefined} />
      <Stat label="errors" testId="stat-errors" value={stats ? pct(stats.error_rate) : "–"} tone={stats && stats.error_rate > 0 ? "bad" : undefined} />
      <Stat label="timeouts" testId="stat-timeouts" value={stats ? pct(stats.timeout_rate) : "–"} tone={stats && stats.timeout_rate > 0 ? "warn" : undefined} />
      <span className="text-xs text-zinc-500">last {minutes} min{stats ? ` · ${stats.calls.toLocaleString()} calls` : ""}</span>
      {stats && <TrafficChart series={stats.series} intervalMs={stats.interval_ms} />}
      <div className="ml-auto">
        <EnclaveSandboxes />
      </div>
    </div>
  );
}
