"use client";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef } from "react";
import type { RowQuery } from "@/lib/data/query";
import { parseRowQuery, writeRowQuery } from "@/lib/data/query";
import type { DatasetFormat } from "@/lib/data/types";
import { datasetFormats } from "@/lib/data/types";

// Everything a person would share lives in the URL: file, format override, filters,
// the open sample, its turn and the view.

export const detailViews = ["sample", "group", "diff", "steps"] as const;
export type DetailView = (typeof detailViews)[number];
export const detailTabs = ["trajectory", "tokens", "agent", "raw"] as const;
export type DetailTab = (typeof detailTabs)[number];
export const sidePanels = ["detail", "actions", "problems"] as const;
export type SidePanel = (typeof sidePanels)[number];

export interface InspectUrlState {
  file: string | null;
  format: DatasetFormat | undefined;
  query: RowQuery;
  sample: number | null;
  turn: number;
  view: DetailView;
  other: number | null;
  tab: DetailTab;
  panel: SidePanel;
  /** Turn tags for non-ReTool formats ("action/observation[/answer]"), null: automatic. */
  tags: string | null;
  /** The heatmap's per-token metric (null: the first the sample has). */
  metric: string | null;
  /** Presenting mode: the open sample turn by turn in large type. */
  present: boolean;
}

function int(v: string | null): number | null {
  if (v === null || v === "") return null;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

export function readInspectUrl(p: URLSearchParams): InspectUrlState {
  const fmt = p.get("fmt");
  const view = p.get("view");
  const tab = p.get("tab");
  const panel = p.get("panel");
  return {
    file: p.get("file"),
    format: (datasetFormats as readonly string[]).includes(fmt ?? "") ? (fmt as DatasetFormat) : undefined,
    query: parseRowQuery(p),
    sample: int(p.get("sample")),
    turn: int(p.get("turn")) ?? 0,
    view: (detailViews as readonly string[]).includes(view ?? "") ? (view as DetailView) : "sample",
    other: int(p.get("b")),
    tab: (detailTabs as readonly string[]).includes(tab ?? "") ? (tab as DetailTab) : "trajectory",
    panel: (sidePanels as readonly string[]).includes(panel ?? "") ? (panel as SidePanel) : "detail",
    tags: p.get("tags") || null,
    metric: p.get("metric") || null,
    present: p.get("present") === "1",
  };
}

export function writeInspectUrl(s: InspectUrlState): string {
  const p = new URLSearchParams();
  if (s.file) p.set("file", s.file);
  if (s.format) p.set("fmt", s.format);
  writeRowQuery(s.query, p);
  if (s.sample !== null) p.set("sample", String(s.sample));
  if (s.turn) p.set("turn", String(s.turn));
  if (s.view !== "sample") p.set("view", s.view);
  if (s.other !== null) p.set("b", String(s.other));
  if (s.tab !== "trajectory") p.set("tab", s.tab);
  if (s.panel !== "detail") p.set("panel", s.panel);
  if (s.tags) p.set("tags", s.tags);
  if (s.metric) p.set("metric", s.metric);
  if (s.present) p.set("present", "1");
  return p.toString();
}

/** A change to the URL; `query` changes only the filter fields it names. */
export type InspectUrlPatch = Partial<Omit<InspectUrlState, "query">> & { query?: Partial<RowQuery> };
/**
 * A patch, or a function computing it from the live URL state. A change that depends on the
 * current value (flip a sort direction, toggle a flag, step a turn) must be a function: the
 * rendered state lags router.push, so two quick clicks would both read the old value.
 */
export type InspectUrlUpdate = InspectUrlPatch | ((current: InspectUrlState) => InspectUrlPatch);

export function useInspectUrl(): [InspectUrlState, (update: InspectUrlUpdate) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const key = params.toString();
  const state = useMemo(() => readInspectUrl(new URLSearchParams(key)), [key]);
  // router.push commits in a transition: until the URL catches up, build on the last one we asked for.
  const pending = useRef<string | null>(null);
  useEffect(() => {
    pending.current = null;
  }, [key]);
  const update = useCallback(
    (update: InspectUrlUpdate) => {
      // Read the live URL so quick successive updates (keyboard, a toggle then Search) do not
      // drop each other: a filter change names only its own fields.
      const now = pending.current ?? window.location.search.replace(/^\?/, "");
      const current = readInspectUrl(new URLSearchParams(now));
      const patch = typeof update === "function" ? update(current) : update;
      const next = writeInspectUrl({ ...current, ...patch, query: { ...current.query, ...patch.query } });
      if (next === writeInspectUrl(current)) return;
      pending.current = next;
      const href = next ? `${pathname}?${next}` : pathname;
      // Every view change is a history entry, so browser Back undoes it instead of leaving
      // Inspect; stepping through the turns of one sample only replaces the entry.
      const onlyTurn = Object.keys(patch).every((k) => k === "turn" || k === "metric");
      if (onlyTurn) router.replace(href, { scroll: false });
      else router.push(href, { scroll: false });
    },
    [router, pathname],
  );
  return [state, update];
}
