"use client";
import { useState } from "react";
import type { FenceMode } from "@/lib/data/code-fences";
import type { ReexecEvent } from "@/lib/data/types";
import { streamEvents } from "./api";

/** Re-execute one sample's code cells; `onDone` reloads the sample to show the live outputs. */
export function useReexecuteOne(id: string | null, row: number | null, onDone: () => void): { running: boolean; error: string | null; run: (fences?: FenceMode) => Promise<void> } {
  const [state, setState] = useState<{ running: boolean; error: string | null }>({ running: false, error: null });
  async function run(fences: FenceMode = "as-written") {
    if (!id || row === null) return;
    setState({ running: true, error: null });
    const r = await streamEvents<ReexecEvent | { type: "error"; message: string }>(
      `/api/datasets/${id}/reexecute`,
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ rows: [row], fences }) },
      (e) => {
        if (e.type === "error") setState({ running: true, error: e.message });
      },
    );
    setState((s) => ({ running: false, error: r.ok ? s.error : r.error.message }));
    onDone();
  }
  return { ...state, run };
}
