"use client";

import { useLayoutEffect, useRef, useState } from "react";
import { cn } from "@/components/ui/cn";
import { latencyMs, type TrafficRow } from "@/lib/traffic/filter";
import { OutcomeBadge } from "./outcome-badge";

// A virtualized list: fixed-height rows, only the visible ones (plus a margin) in the DOM, so
// 5,000 calls scroll as smoothly as 50. Every cell is one line, cut with an ellipsis.

const ROW = 30;
const OVERSCAN = 10;

const cols = "grid-cols-[88px_minmax(120px,200px)_148px_72px_96px_96px_minmax(0,1.2fr)_minmax(0,1fr)]";

function time(t: number): string {
  const d = new Date(t);
  return `${d.toLocaleTimeString([], { hour12: false })}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

function latency(r: TrafficRow): string {
  const l = latencyMs(r);
  return l >= 10_000 ? `${(l / 1000).toFixed(1)} s` : `${Math.round(l)} ms`;
}

function shortRoute(r: TrafficRow): string {
  const path = r.route.replace(/^\/(sandbox-fusion|ms-enclave|agent|e2b)\//, "");
  return r.tool_name ? `${path} · ${r.tool_name}` : path;
}

/** Who called: the SDK by name, then which key or agent session, then the address. */
function clientTitle(r: TrafficRow): string {
  return [r.client_name, r.session_id && `session ${r.session_id}`, r.key_id && `key ${r.key_id}`, r.client, r.user_agent && `User-Agent: ${r.user_agent}`].filter(Boolean).join(" · ");
}

function ClientCell({ r }: { r: TrafficRow }) {
  const who = r.session_id ? `session ${r.session_id}` : r.key_id ? `key ${r.key_id}` : r.client_name ? r.client : null;
  return (
    <span className="truncate text-zinc-700" data-testid="traffic-row-client" title={clientTitle(r)}>
      <span className="font-medium text-zinc-800">{r.client_name ?? r.client}</span>
      {who && <span className="ml-1 font-mono text-[11px] text-zinc-500">{who}</span>}
    </span>
  );
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

export function TrafficTable({ rows, selected, onSelect, height }: { rows: TrafficRow[]; selected: string | null; onSelect: (id: string) => void; height: number | null }) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewport(el.clientHeight));
    ro.observe(el);
    setViewport(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  // Rows arrive on top: a person scrolled down keeps looking at the same calls (the top row under
  // the edge stays put); at the very top the new calls come into view.
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  useLayoutEffect(() => {
    const el = box.current;
    const a = anchor.current;
    if (el && a && el.scrollTop > 0) {
      const at = rows.findIndex((r) => r.id === a.id);
      if (at >= 0 && at * ROW + a.offset !== el.scrollTop) {
        el.scrollTop = at * ROW + a.offset;
        setScrollTop(el.scrollTop);
      }
    }
    const top = el ? el.scrollTop : 0;
    const i = Math.min(rows.length - 1, Math.floor(top / ROW));
    anchor.current = i >= 0 ? { id: rows[i]!.id, offset: top - i * ROW } : null;
  }, [rows]);

  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewport) / ROW) + OVERSCAN);
  const visible = rows.slice(first, last);

  return (
    <div className="flex min-h-0 min-w-0 flex-1 flex-col" style={height ? { height } : undefined}>
      <div className={cn("grid gap-2 border-b border-zinc-200 bg-zinc-100 px-3 py-1 text-[11px] font-medium uppercase tracking-wide text-zinc-600", cols)}>
        <span>time</span>
        <span>client</span>
        <span>call</span>
        <span>language</span>
        <span>status</span>
        <span className="text-right">latency</span>
        <span>code</span>
        <span>output</span>
      </div>
      <div
        ref={box}
        data-testid="traffic-table"
        data-rows={rows.length}
        className="relative min-h-0 flex-1 overflow-y-auto overflow-x-hidden"
        onScroll={(e) => {
          const top = e.currentTarget.scrollTop;
          setScrollTop(top);
          const i = Math.min(rows.length - 1, Math.floor(top / ROW));
          anchor.current = i >= 0 ? { id: rows[i]!.id, offset: top - i * ROW } : null;
        }}
      >
        {rows.length === 0 && (
          <div data-testid="traffic-empty" className="p-6 text-sm text-zinc-600">
            No calls yet. Point a client at <code className="rounded bg-zinc-100 px-1">/sandbox-fusion/run_code</code> or{" "}
            <code className="rounded bg-zinc-100 px-1">/ms-enclave</code> (or E2B's SDK at <code className="rounded bg-zinc-100 px-1">/e2b</code>); calls show up here as they arrive.
          </div>
        )}
        <div style={{ height: rows.length * ROW }} className="relative">
          {visible.map((r, i) => (
            <button
              type="button"
              key={r.id}
              data-testid="traffic-row"
              data-id={r.id}
              aria-selected={selected === r.id}
              onClick={() => onSelect(r.id)}
              style={{ top: (first + i) * ROW, height: ROW }}
              className={cn(
                "absolute inset-x-0 grid items-center gap-2 border-b border-zinc-100 px-3 text-left text-xs hover:bg-indigo-50",
                cols,
                selected === r.id && "bg-indigo-100 hover:bg-indigo-100",
              )}
            >
              <span className="truncate font-mono text-zinc-600">{time(r.time)}</span>
              <ClientCell r={r} />
              <span className="truncate text-zinc-800" title={`${r.method} ${r.route}`}>
                {shortRoute(r)}
              </span>
              <span className="truncate text-zinc-700">{r.language ?? "–"}</span>
              <span className="truncate">
                <OutcomeBadge outcome={r.outcome} />
              </span>
              <span
                className="truncate text-right font-mono text-zinc-700"
                title={`queue ${Math.round(r.queue_ms)} ms + run ${Math.round(r.run_ms)} ms${r.cold_ms !== undefined ? `; waited ${Math.round(r.cold_ms)} ms for a cold sandbox (the warm pool was empty)` : ""}`}
              >
                {r.cold_ms !== undefined && (
                  <span data-testid="traffic-row-cold" className="mr-1 rounded bg-sky-100 px-1 text-sky-800">
                    cold
                  </span>
                )}
                {latency(r)}
              </span>
              <span className="truncate font-mono text-zinc-800">{oneLine(r.code_head)}</span>
              <span className="truncate font-mono text-zinc-600">{oneLine(r.out_head)}</span>
            </button>
          ))}
        </div>
      </div>
    </div>
  );
}
