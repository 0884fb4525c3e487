"use client";
import { useRef, useState } from "react";
import { streamEvents } from "./api";

type Progress = { type: "progress"; done: number; total: number };
type Done = { type: "done"; done: number; total: number };

export interface BatchJob<P extends Progress, D extends Done> {
  running: boolean;
  progress: P | null;
  done: D | null;
  error: string | null;
}

/** A batch job streamed as NDJSON progress / done / error events, with a Cancel. */
export function useBatchJob<P extends Progress, D extends Done>(url: string): { job: BatchJob<P, D>; start: (body: unknown) => Promise<void>; cancel: () => void } {
  const [job, setJob] = useState<BatchJob<P, D>>({ running: false, progress: null, done: null, error: null });
  const abort = useRef<AbortController | null>(null);
  async function start(body: unknown) {
    const ctrl = new AbortController();
    abort.current = ctrl;
    setJob({ running: true, progress: null, done: null, error: null });
    const r = await streamEvents<P | D | { type: "error"; message: string } | { type: "row" }>(
      url,
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: ctrl.signal },
      (e) => {
        if (e.type === "progress") setJob((s) => ({ ...s, progress: e as P }));
        // Progress events are throttled; the final count comes with "done", so the bar ends there.
        else if (e.type === "done") setJob((s) => ({ ...s, done: e as D, progress: { ...(s.progress ?? {}), type: "progress", done: (e as D).done, total: (e as D).total } as P }));
        else if (e.type === "error") setJob((s) => ({ ...s, error: (e as { message: string }).message }));
      },
    );
    setJob((s) => ({ ...s, running: false, error: r.ok ? s.error : r.error.message }));
  }
  return { job, start, cancel: () => abort.current?.abort() };
}
