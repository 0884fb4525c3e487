"use client";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { cn } from "@/components/ui/cn";
import type { RowQuery, SortKey } from "@/lib/data/query";
import type { RowField } from "./row-fields";
import type { RowSummary, RowsPage } from "@/lib/data/types";
import { errorFlagMask, rowFlagNames, rowFlags } from "@/lib/data/types";
import { api } from "./api";
import { fmtNum, rowFields, stepField } from "./row-fields";

// A virtualized list: only the visible rows are in the DOM, and rows are fetched from
// the server a page at a time as the list scrolls.

const ROW_H = 28;
const PAGE = 200;

type Column = Pick<RowField, "key" | "label" | "width" | "render">;

const logprobColumns: Column[] = [
  { key: "lp_max", label: "|Δlogp| max", width: "w-24", render: (r) => <span data-testid="row-lp-max">{r.lp_max == null ? "—" : r.lp_max.toFixed(3)}</span> },
  { key: "lp_mean", label: "|Δlogp| mean", width: "w-24", render: (r) => (r.lp_mean == null ? "—" : r.lp_mean.toFixed(4)) },
];

// Input defects (malformed JSON, bad bytes, wrong types) colour a row; a tool error is a badge.
const defectMask = errorFlagMask & ~rowFlags.toolError;
const reexecBadge: Record<Exclude<RowSummary["reexec"], "none">, { label: string; className: string }> = {
  match: { label: "reproduced", className: "bg-green-100 text-green-800" },
  mismatch: { label: "mismatch", className: "bg-red-100 text-red-800" },
  error: { label: "could not run", className: "bg-red-100 text-red-800" },
  empty: { label: "nothing to run", className: "bg-zinc-100 text-zinc-700" },
};

// The row's own fields (shared with the detail header) after the row number.
const columns: Column[] = [{ key: "row", label: "row", width: "w-14", render: (r) => r.row }, ...rowFields];

export function SampleList({
  datasetId,
  query,
  refreshKey,
  indexing,
  selected,
  selectedPosition,
  onSelect,
  onSort,
  onMatched,
  showRescore,
  shownElsewhere,
}: {
  datasetId: string;
  query: RowQuery;
  refreshKey: string;
  /** The list is refreshed every few seconds while the file indexes: its count says so. */
  indexing: boolean;
  selected: number | null;
  selectedPosition: number | null;
  onSelect: (row: number) => void;
  onSort: (key: SortKey) => void;
  onMatched: (page: RowsPage) => void;
  showRescore: boolean;
  /** An error the filter bar already shows (a bad regex): not repeated above the list. */
  shownElsewhere?: string | null;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [pages, setPages] = useState<Map<number, RowSummary[]>>(new Map());
  const [matched, setMatched] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const inflight = useRef(new Set<number>());
  const generation = useRef(0);
  const queryKey = JSON.stringify(query);

  useEffect(() => {
    generation.current++;
    inflight.current.clear();
    setPages(new Map());
    setError(null);
  }, [datasetId, queryKey, refreshKey]);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    // Never more than a screenful, even if a parent ever lets the box grow with its content.
    const measure = () => setHeight(Math.min(el.clientHeight, window.innerHeight));
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, []);

  const load = useCallback(
    async (page: number) => {
      if (inflight.current.has(page)) return;
      inflight.current.add(page);
      const gen = generation.current;
      const r = await api.rows(datasetId, query, page * PAGE, PAGE);
      if (gen !== generation.current) return;
      if (!r.ok) {
        setError(r.error.message);
        return;
      }
      if (r.value.error) setError(r.value.error);
      setMatched(r.value.matched);
      onMatched(r.value);
      setPages((prev) => new Map(prev).set(page, r.value.rows));
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [datasetId, queryKey, onMatched],
  );

  const first = Math.max(0, Math.floor(scrollTop / ROW_H) - 10);
  const last = Math.floor((scrollTop + height) / ROW_H) + 10;
  useEffect(() => {
    for (let p = Math.floor(first / PAGE); p <= Math.floor(last / PAGE); p++) {
      if (!pages.has(p) && (matched === null || p * PAGE < Math.max(matched, 1))) void load(p);
    }
  }, [first, last, pages, matched, load]);

  // Keep the selected sample visible when it changes from the keyboard.
  useEffect(() => {
    const el = box.current;
    if (!el || selectedPosition === null || selectedPosition < 0) return;
    const top = selectedPosition * ROW_H;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_H > el.scrollTop + el.clientHeight - ROW_H) el.scrollTop = top - el.clientHeight + 2 * ROW_H;
  }, [selectedPosition]);

  const total = matched ?? 0;
  const rows: { pos: number; r: RowSummary | undefined }[] = [];
  for (let pos = first; pos < Math.min(total, last); pos++) rows.push({ pos, r: pages.get(Math.floor(pos / PAGE))?.[pos % PAGE] });
  const sortKey = query.sort ?? "row";
  const withRescore = showRescore
    ? [...columns, { key: "rescored" as SortKey, label: "rescored", width: "w-16", render: (r: RowSummary) => <span className={r.rescored !== null && r.reward !== null && r.rescored !== r.reward ? "font-semibold text-red-700" : ""}>{fmtNum(r.rescored)}</span> }]
    : columns;
  // Step folders and dumps: the step after the row number. Train dumps: the trainer-vs-rollout
  // logprob gap per sample (components/inspect/logprob-heatmap.tsx).
  const withStep = rows.some(({ r }) => r?.step !== undefined) ? [withRescore[0]!, stepField, ...withRescore.slice(1)] : withRescore;
  const cols = rows.some(({ r }) => r?.lp_max !== undefined) ? [...withStep, ...logprobColumns] : withStep;

  return (
    <div className="flex min-h-0 flex-1 flex-col" data-testid="sample-list">
      <div className="flex border-b border-zinc-200 bg-zinc-50 text-[11px] font-semibold uppercase text-zinc-500">
        {cols.map((c) => (
          <button key={c.key} data-testid={`sort-${c.key}`} className={cn("shrink-0 px-1.5 py-1 text-left hover:text-zinc-900", c.width)} onClick={() => onSort(c.key)}>
            {c.label}
            {sortKey === c.key ? (query.desc ? " ↓" : " ↑") : ""}
          </button>
        ))}
        <span className="flex-1 px-1.5 py-1">prompt</span>
      </div>
      {error && error !== shownElsewhere && <div data-testid="list-error" className="bg-red-50 px-3 py-1 text-xs text-red-800">{error}</div>}
      <div ref={box} className="relative min-h-0 flex-1 overflow-auto" onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} data-testid="sample-list-scroll">
        <div style={{ height: total * ROW_H }} />
        {rows.map(({ pos, r }) => (
          <div
            key={pos}
            data-testid={r ? `sample-row-${r.row}` : undefined}
            data-defect={r && r.flags & defectMask ? "true" : undefined}
            data-selected={r && r.row === selected ? "true" : undefined}
            onClick={() => r && onSelect(r.row)}
            className={cn(
              "absolute left-0 right-0 flex cursor-pointer items-center border-b border-zinc-100 font-mono text-xs",
              r && r.row === selected ? "bg-indigo-100" : "hover:bg-zinc-50",
              r && r.flags & defectMask ? "text-red-900" : "",
            )}
            style={{ top: pos * ROW_H, height: ROW_H }}
          >
            {r ? (
              <>
                {cols.map((c) => (
                  <span key={c.key} data-testid={`row-field-${c.key}`} className={cn("shrink-0 truncate px-1.5", c.width)}>
                    {c.render(r)}
                  </span>
                ))}
                <span className="flex min-w-0 flex-1 items-center gap-1 truncate px-1.5 font-sans text-zinc-600">
                  {r.reexec !== "none" && (
                    <span data-testid={`reexec-${r.reexec}`} className={cn("rounded px-1 text-[10px]", reexecBadge[r.reexec].className)}>
                      {reexecBadge[r.reexec].label}
                    </span>
                  )}
                  {r.flags & rowFlags.toolError ? (
                    <span data-testid="badge-tool-error" className="rounded bg-amber-100 px-1 text-[10px] text-amber-900" title="An interpreter / tool observation reports an error">
                      tool error
                    </span>
                  ) : null}
                  {rowFlagNames.filter((f) => f !== "toolError" && r.flags & rowFlags[f]).map((f) => (
                    <span key={f} className="rounded bg-red-100 px-1 text-[10px] text-red-800">
                      {f}
                    </span>
                  ))}
                  <span className="truncate">{r.preview}</span>
                </span>
              </>
            ) : (
              <span className="px-2 text-zinc-300">…</span>
            )}
          </div>
        ))}
      </div>
      <div className="border-t border-zinc-200 bg-zinc-50 px-3 py-1 text-xs text-zinc-600" data-testid="list-count">
        {matched === null ? "loading…" : `${total.toLocaleString()} samples${indexing ? " so far (indexing)" : ""}`}
      </div>
    </div>
  );
}
