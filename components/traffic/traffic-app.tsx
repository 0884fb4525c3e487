"use client";

import { useCallback, useEffect, useState } from "react";
import { useFitHeight } from "@/components/inspect/use-fit-height";
import { trafficFilterParams, type TrafficFilter } from "@/lib/traffic/filter";
import { TrafficDetail } from "./traffic-detail";
import { TrafficFilters, type TrafficFilterPatch } from "./traffic-filters";
import { TrafficHeader } from "./traffic-header";
import { TrafficTable } from "./traffic-table";
import { useTrafficStream } from "./use-traffic-stream";

/** Filters and the open call live in the URL (a reload or a shared link shows the same view). */
function syncUrl(filter: TrafficFilter, call: string | null) {
  const p = trafficFilterParams(filter);
  if (call) p.set("call", call);
  const qs = p.toString();
  window.history.replaceState(null, "", qs ? `/traffic?${qs}` : "/traffic");
}

/** editorAssets: the Editor's Monaco files, prefetched while a call that can open there is shown. */
export function TrafficApp({ initialFilter, initialCall, editorAssets = [] }: { initialFilter: TrafficFilter; initialCall: string | null; editorAssets?: string[] }) {
  const [filter, setFilter] = useState(initialFilter);
  const [selected, setSelected] = useState<string | null>(initialCall);
  const [paused, setPaused] = useState(false);
  const stream = useTrafficStream(filter, paused);
  const [boxRef, height] = useFitHeight<HTMLDivElement>(null);

  // A change names only its own fields and merges into the latest filter: a debounced text box
  // commits from a closure made before a status toggle, and must not undo it.
  const changeFilter = useCallback((patch: TrafficFilterPatch) => setFilter((f) => ({ ...f, ...(typeof patch === "function" ? patch(f) : patch) })), []);
  const select = (id: string | null) => setSelected(id);
  const close = useCallback(() => setSelected(null), []);
  useEffect(() => syncUrl(filter, selected), [filter, selected]);

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <TrafficHeader stats={stream.stats} />
      <TrafficFilters
        filter={filter}
        onChange={changeFilter}
        paused={paused}
        onPause={setPaused}
        held={stream.held}
        shown={stream.rows.length}
        total={stream.total}
        connected={stream.connected}
      />
      {stream.recording === "off" && (
        <p data-testid="traffic-off" className="border-b border-amber-200 bg-amber-50 px-4 py-1.5 text-xs text-amber-900">
          Recording is off (PLAYGROUND_TRAFFIC_LOG=off): API calls are served but not shown or logged.
        </p>
      )}
      {stream.error && !stream.connected && (
        <p className="border-b border-red-200 bg-red-50 px-4 py-1.5 text-xs text-red-800">{stream.error} Reconnecting…</p>
      )}
      <div ref={boxRef} className="relative flex min-h-0 flex-1" style={height ? { height } : undefined}>
        <TrafficTable rows={stream.rows} selected={selected} onSelect={(id) => select(id)} height={height} />
        {selected && <TrafficDetail id={selected} onClose={close} editorAssets={editorAssets} />}
      </div>
    </div>
  );
}
