"use client";
import { useCallback, useEffect, useState } from "react";
import type { RowQuery } from "@/lib/data/query";
import type { SampleResponse } from "./api";
import { api } from "./api";

/** The open sample (with its place in the filtered list); `reload` fetches it again. */
export function useSample(id: string | null, row: number | null, query: RowQuery): { sample: SampleResponse | null; error: string | null; reload: () => void } {
  const [sample, setSample] = useState<SampleResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const queryKey = JSON.stringify(query);
  useEffect(() => {
    if (!id || row === null) {
      setSample(null);
      return;
    }
    const ctrl = new AbortController();
    void api.sample(id, row, JSON.parse(queryKey) as RowQuery, ctrl.signal).then((r) => {
      if (ctrl.signal.aborted) return;
      if (r.ok) {
        setSample(r.value);
        setError(null);
      } else setError(r.error.message);
    });
    return () => ctrl.abort();
  }, [id, row, queryKey, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { sample, error, reload };
}
