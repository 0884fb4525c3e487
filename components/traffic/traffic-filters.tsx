"use client";

import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import type { TrafficFilter } from "@/lib/traffic/filter";
import { trafficOutcomes, type TrafficOutcome } from "@/lib/traffic/types";
import { outcomeLabel } from "./outcome-badge";

const slowChoices = [
  { label: "any time", value: 0 },
  { label: "≥ 1 s", value: 1000 },
  { label: "≥ 5 s", value: 5000 },
  { label: "≥ 10 s", value: 10_000 },
  { label: "≥ 30 s", value: 30_000 },
];

/** A text box that commits after a pause in typing (each commit reconnects the stream). */
function useDebounced(value: string, commit: (v: string) => void, ms = 300) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const t = setTimeout(() => commit(text), ms);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- commit is stable enough; value drives resets
  }, [text]);
  return [text, setText] as const;
}

/** The fields a control changes, or a function of the latest filter (for toggles). */
export type TrafficFilterPatch = Partial<TrafficFilter> | ((current: TrafficFilter) => Partial<TrafficFilter>);

export interface TrafficFiltersProps {
  filter: TrafficFilter;
  onChange: (patch: TrafficFilterPatch) => void;
  paused: boolean;
  onPause: (p: boolean) => void;
  held: number;
  shown: number;
  total: number;
  connected: boolean;
}

export function TrafficFilters({ filter, onChange, paused, onPause, held, shown, total, connected }: TrafficFiltersProps) {
  const [q, setQ] = useDebounced(filter.q ?? "", (v) => onChange({ q: v || undefined }));
  const [client, setClient] = useDebounced(filter.client ?? "", (v) => onChange({ client: v || undefined }));
  const [language, setLanguage] = useDebounced(filter.language ?? "", (v) => onChange({ language: v || undefined }));
  const toggle = (o: TrafficOutcome) => onChange((f) => ({ status: f.status.includes(o) ? f.status.filter((s) => s !== o) : [...f.status, o] }));
  const input = "h-7 rounded-md border border-zinc-300 bg-white px-2 text-xs focus:border-indigo-500 focus:outline-none";
  return (
    <div data-testid="traffic-filters" className="flex flex-wrap items-center gap-2 border-b border-zinc-200 bg-zinc-50 px-4 py-2">
      <Button
        size="sm"
        variant={paused ? "primary" : "secondary"}
        data-testid="traffic-pause"
        aria-pressed={paused}
        onClick={() => onPause(!paused)}
        className="w-28 justify-center"
      >
        {paused ? `Resume${held ? ` (+${held.toLocaleString()})` : ""}` : "Pause"}
      </Button>
      <div className="flex flex-wrap gap-1" role="group" aria-label="Status">
        {trafficOutcomes.map((o) => (
          <button
            key={o}
            type="button"
            data-testid={`filter-status-${o}`}
            aria-pressed={filter.status.includes(o)}
            onClick={() => toggle(o)}
            className={cn(
              "rounded-full px-2 py-0.5 text-xs ring-1 ring-inset",
              filter.status.includes(o) ? "bg-zinc-900 text-white ring-zinc-900" : "bg-white text-zinc-700 ring-zinc-300 hover:bg-zinc-100",
            )}
          >
            {outcomeLabel[o]}
          </button>
        ))}
      </div>
      <label className="flex items-center gap-1 text-xs text-zinc-700">
        <input type="checkbox" data-testid="filter-errors" checked={filter.errors} onChange={(e) => onChange({ errors: e.target.checked })} />
        errors only
      </label>
      <select
        data-testid="filter-slow"
        aria-label="Slow calls"
        className={input}
        value={filter.slow ?? 0}
        onChange={(e) => onChange({ slow: Number(e.target.value) || undefined })}
      >
        {slowChoices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
        {filter.slow && !slowChoices.some((c) => c.value === filter.slow) ? <option value={filter.slow}>≥ {filter.slow} ms</option> : null}
      </select>
      <input data-testid="filter-language" aria-label="Language" placeholder="language" className={cn(input, "w-24")} value={language} onChange={(e) => setLanguage(e.target.value)} />
      <input data-testid="filter-client" aria-label="Client" placeholder="client, SDK, key or session" className={cn(input, "w-52")} value={client} onChange={(e) => setClient(e.target.value)} />
      <input
        data-testid="filter-q"
        aria-label="Search code and output"
        placeholder="search code, stdin, output…"
        className={cn(input, "min-w-40 flex-1")}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <span data-testid="traffic-count" className="text-xs text-zinc-600">
        {shown.toLocaleString()} shown{total > shown ? ` of ${total.toLocaleString()}` : ""}
      </span>
      <span
        data-testid="traffic-live"
        data-connected={connected}
        title={connected ? "Receiving calls live" : "Reconnecting…"}
        className={cn("inline-block size-2 rounded-full", connected ? (paused ? "bg-amber-500" : "bg-green-500") : "bg-zinc-400")}
      />
    </div>
  );
}
