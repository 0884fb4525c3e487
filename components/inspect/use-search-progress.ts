"use client";
import { useEffect, useState } from "react";
import type { SearchEvent } from "@/app/api/datasets/[id]/search/schema";
import type { RowQuery } from "@/lib/data/query";
import { streamEvents } from "./api";
import type { SearchState } from "./filter-bar";


/** Text/regex search: streams the server's scan progress while the list waits for the result. */
export function useSearchProgress(id: string | null, query: RowQuery): SearchState | null {
  const [search, setSearch] = useState<SearchState | null>(null);
  useEffect(() => {
    if (!id || !query.q) {
      setSearch(null);
      return;
    }
    const ctrl = new AbortController();
    setSearch({ running: true, done: 0, total: 0, matches: 0, error: null });
    const params = new URLSearchParams({ q: query.q, ...(query.re ? { re: "1" } : {}), ...(query.cs ? { cs: "1" } : {}) });
    void streamEvents<SearchEvent>(`/api/datasets/${id}/search?${params}`, { signal: ctrl.signal }, (e) => {
      if (e.type === "progress") setSearch({ running: true, done: e.done, total: e.total, matches: e.matches, error: null });
      else if (e.type === "done") setSearch((s) => ({ running: false, done: s?.total ?? 0, total: s?.total ?? 0, matches: e.matches, error: null }));
      else setSearch({ running: false, done: 0, total: 0, matches: 0, error: e.message });
    });
    return () => ctrl.abort();
  }, [id, query.q, query.re, query.cs]);
  return search;
}
