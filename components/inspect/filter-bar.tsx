"use client";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import type { RowQuery } from "@/lib/data/query";
import { statusList } from "@/lib/data/query";

export interface SearchState {
  running: boolean;
  done: number;
  total: number;
  matches: number;
  error: string | null;
}

function NumberBox({ label, value, onCommit, testId }: { label: string; value: number | undefined; onCommit: (v: number | undefined) => void; testId: string }) {
  const [text, setText] = useState(value === undefined ? "" : String(value));
  useEffect(() => setText(value === undefined ? "" : String(value)), [value]);
  const commit = () => {
    const t = text.trim();
    const n = t === "" ? undefined : Number(t);
    if (n === undefined || Number.isFinite(n)) onCommit(n);
  };
  return (
    <label className="flex items-center gap-1 text-xs text-zinc-600">
      {label}
      <input
        data-testid={testId}
        className="w-16 rounded border border-zinc-300 px-1.5 py-1 text-xs"
        value={text}
        inputMode="decimal"
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => e.key === "Enter" && commit()}
      />
    </label>
  );
}

/** A filter change: the fields it sets, or a function of the live query (for toggles). */
export type QueryUpdate = Partial<RowQuery> | ((current: RowQuery) => Partial<RowQuery>);

// A toggle flips the live value rather than writing `!on`: `on` is the rendered state, which
// lags the URL, so a quick double click would write the same value twice.
function Toggle({ on, label, onToggle, testId, title }: { on: boolean; label: string; onToggle: () => void; testId: string; title?: string }) {
  return (
    <button
      type="button"
      title={title}
      data-testid={testId}
      aria-pressed={on}
      onClick={onToggle}
      className={cn("rounded border px-2 py-1 text-xs", on ? "border-indigo-400 bg-indigo-50 text-indigo-800" : "border-zinc-300 bg-white text-zinc-600 hover:bg-zinc-50")}
    >
      {label}
    </button>
  );
}

export function FilterBar({
  query,
  statuses,
  onChange,
  search,
  hasRescore,
  hasReexec,
}: {
  query: RowQuery;
  statuses: string[];
  /** Names only the fields that change (the URL may be ahead of `query`). */
  onChange: (update: QueryUpdate) => void;
  search: SearchState | null;
  hasRescore: boolean;
  hasReexec: boolean;
}) {
  const [text, setText] = useState(query.q ?? "");
  useEffect(() => setText(query.q ?? ""), [query.q]);
  const set = onChange;
  const selected = new Set(statusList(query) ?? []);
  const toggleStatus = (s: string) =>
    set((q) => {
      const next = new Set(statusList(q) ?? []);
      if (next.has(s)) next.delete(s);
      else next.add(s);
      return { status: next.size ? [...next].join(",") : undefined };
    });
  const ranges = [query.rmin, query.rmax, query.tcmin, query.tcmax, query.lpmin].filter((v) => v !== undefined).length;
  const active =
    !!query.status || query.rmin !== undefined || query.rmax !== undefined || query.tcmin !== undefined || query.tcmax !== undefined || query.lpmin !== undefined ||
    query.err || query.disagree || query.mismatch || query.same || !!query.q || query.group !== undefined;
  return (
    <div data-testid="filter-bar" className="flex flex-col gap-1 border-b border-zinc-200 bg-white px-3 py-1">
      {/* One wrapping row: at 1024x700 the header and filters must leave the list most of the screen. */}
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <form
          className="flex items-center gap-1"
          onSubmit={(e) => {
            e.preventDefault();
            set({ q: text || undefined });
          }}
        >
          <input
            data-testid="filter-search"
            className="w-52 rounded border border-zinc-300 px-2 py-1 text-xs"
            placeholder={query.re ? "regex over prompt + response" : "text in prompt + response"}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <Button size="sm" type="submit" data-testid="filter-search-go">
            Search
          </Button>
        </form>
        <Toggle testId="filter-regex" on={query.re} label=".*" title="regular expression" onToggle={() => set((q) => ({ re: !q.re }))} />
        <Toggle testId="filter-case" on={query.cs} label="Aa" title="case sensitive" onToggle={() => set((q) => ({ cs: !q.cs }))} />
        {statuses.length > 0 && (
          <>
            <span className="mx-1 h-5 w-px bg-zinc-200" />
            <span className="text-xs text-zinc-500">status</span>
            {[...statuses, "(none)"].map((s) => (
              <Toggle key={s} testId={`filter-status-${s}`} on={selected.has(s)} label={s} onToggle={() => toggleStatus(s)} />
            ))}
          </>
        )}
        <span className="mx-1 h-5 w-px bg-zinc-200" />
        <details className="relative" data-testid="filter-more">
          <summary className="cursor-pointer list-none rounded border border-zinc-300 px-2 py-1 text-xs text-zinc-600 hover:bg-zinc-50">
            reward / tool calls{ranges ? ` (${ranges})` : ""} ▾
          </summary>
          <div className="absolute left-0 top-full z-20 mt-1 flex flex-col gap-2 rounded-md border border-zinc-200 bg-white p-2 shadow-lg">
            <div className="flex items-center gap-2">
              <NumberBox testId="filter-rmin" label="reward ≥" value={query.rmin} onCommit={(v) => set({ rmin: v })} />
              <NumberBox testId="filter-rmax" label="≤" value={query.rmax} onCommit={(v) => set({ rmax: v })} />
            </div>
            <div className="flex items-center gap-2">
              <NumberBox testId="filter-tcmin" label="tool calls ≥" value={query.tcmin} onCommit={(v) => set({ tcmin: v })} />
              <NumberBox testId="filter-tcmax" label="≤" value={query.tcmax} onCommit={(v) => set({ tcmax: v })} />
            </div>
            <div className="flex items-center gap-2" title="train dumps: max |log_probs − rollout_log_probs| over the loss-masked tokens">
              <NumberBox testId="filter-lpmin" label="|Δlogp| max ≥" value={query.lpmin} onCommit={(v) => set({ lpmin: v })} />
            </div>
          </div>
        </details>
        <Toggle testId="filter-has-error" on={query.err} label="has error" onToggle={() => set((q) => ({ err: !q.err }))} />
        {hasRescore && <Toggle testId="filter-disagree" on={query.disagree} label="reward disagrees" onToggle={() => set((q) => ({ disagree: !q.disagree }))} />}
        {hasReexec && <Toggle testId="filter-mismatch" on={query.mismatch} label="not reproducible" onToggle={() => set((q) => ({ mismatch: !q.mismatch }))} />}
        <Toggle testId="filter-same" on={query.same} label="all-same groups" title="Groups whose samples all have the same reward: std 0, so GRPO learns nothing from them" onToggle={() => set((q) => ({ same: !q.same }))} />
        {query.group !== undefined && (
          <span className="rounded bg-amber-50 px-2 py-1 text-xs text-amber-900">
            group {query.group}{" "}
            <button className="ml-1 underline" onClick={() => set({ group: undefined })}>
              clear
            </button>
          </span>
        )}
        {active && (
          <Button size="sm" variant="ghost" data-testid="filter-clear" onClick={() => onChange({ status: undefined, rmin: undefined, rmax: undefined, tcmin: undefined, tcmax: undefined, lpmin: undefined, err: false, disagree: false, mismatch: false, same: false, q: undefined, group: undefined })}>
            Clear filters
          </Button>
        )}
      </div>
      {search && (search.running || search.error) && (
        <div data-testid="search-progress" className="flex items-center gap-2 text-xs">
          {search.running && (
            <>
              <div className="h-1.5 w-48 overflow-hidden rounded bg-zinc-200">
                <div className="h-full bg-indigo-500" style={{ width: `${search.total ? (100 * search.done) / search.total : 0}%` }} />
              </div>
              <span className="text-zinc-600">
                scanning {search.done.toLocaleString()} / {search.total.toLocaleString()} · {search.matches.toLocaleString()} matches
              </span>
            </>
          )}
          {search.error && <span className="text-red-700" data-testid="search-error">{search.error}</span>}
        </div>
      )}
    </div>
  );
}
