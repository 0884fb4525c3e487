"use client";

import { useEffect, useState } from "react";
import type { LiveOutputResponse } from "@/app/api/runs/[runId]/output/schema";

const POLL_MS = 300;
/**
 * The live view shows the end of the output (the result keeps head and tail): a small end, since
 * laying out a long line with no spaces on every poll would take the page's main thread.
 */
const TAIL_BYTES = 16 * 1024;

/** What the run in flight has printed so far (stdout and stderr as written), polled until it ends. */
export function useLiveOutput(runId: string | null): LiveOutputResponse | null {
  const [live, setLive] = useState<{ runId: string; view: LiveOutputResponse } | null>(null);
  useEffect(() => {
    if (!runId) return;
    let stop = false;
    void (async () => {
      while (!stop) {
        const res = await fetch(`/api/runs/${encodeURIComponent(runId)}/output?tail=${TAIL_BYTES}`, { cache: "no-store" }).catch(() => null);
        const view = res?.ok ? ((await res.json().catch(() => null)) as LiveOutputResponse | null) : null;
        if (stop) return;
        // Unchanged output: no new state, no re-render.
        if (view) setLive((prev) => (prev?.runId === runId && prev.view.bytes === view.bytes && prev.view.done === view.done ? prev : { runId, view }));
        if (view?.done) return;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    })();
    return () => {
      stop = true;
    };
  }, [runId]);
  return live && live.runId === runId ? live.view : null;
}
