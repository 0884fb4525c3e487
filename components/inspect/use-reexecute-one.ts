"use client";
import { useState } from "react";
import type { ReexecEvent } from "@/lib/data/types";
import { streamEvents } from "./api";

/** Re-execute one sample's code cells; `onDone` reloads the sample to show the live outputs. */
export function useReexecuteOne(id: string | null, row: number | null, onDone: () => void): { running: boolean; error: string | null; run: () => Promise<void> } {
  const [state, setState] = useState<{ running: boolean; error: string | null }>({ running: false, error: null });
  async function run() {
    if (!id || row === null) return;
    setState({ running: true, error: null });
    const r = await streamEvents<ReexecEvent | { type: "error"; message: string }>(
      `/api/datasets/${id}/reexecute`,
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ rows: [row] }) },
      (e) => {
        if (e.type === "error") setState({ running: true, error: e.message });
      },
    );
    setState((s) => ({ running: false, error: r.ok ? s.error : r.error.message }));
    onDone();
  }
  return { ...state, run };
}
