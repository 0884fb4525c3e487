"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { BackendName, ToolResult } from "@/lib/sandbox/types";
import { restartKernelRecorded, runCellRecorded } from "@/app/(playground)/editor/workspace-actions";
import { newRunId, requestCancel, unreachable } from "./cancel-run";

export interface NotebookCell {
  key: number;
  code: string;
  result: ToolResult | null;
}

export const firstCells = [
  "import numpy as np\nx = np.linspace(0, 2 * np.pi, 100)\nprint('points:', len(x))",
  "import matplotlib.pyplot as plt\nplt.plot(x, np.sin(x))\nplt.title('sin(x)')\nplt.show()",
];

/** Cells run in order against the session's Jupyter kernel (notebook_executor). */
export function useNotebook(
  sessionId: string,
  backend: BackendName,
  initialCells: NotebookCell[] | undefined,
  /** Cell code and order changed (results are recorded by the server as cells run). */
  onCellsChange: (cells: { key: number; code: string }[], seed?: boolean) => void,
) {
  const [cells, setCellsState] = useState<NotebookCell[]>(() => initialCells ?? firstCells.map((code, key) => ({ key, code, result: null })));
  const nextKey = useRef(Math.max(-1, ...cells.map((c) => c.key)) + 1);
  const setCells = useCallback(
    (f: (cs: NotebookCell[]) => NotebookCell[], persist = false) =>
      setCellsState((cs) => {
        const next = f(cs);
        if (persist) queueMicrotask(() => onCellsChange(next.map(({ key, code }) => ({ key, code }))));
        return next;
      }),
    [onCellsChange],
  );
  // The live code per cell, written synchronously by the cell editors.
  const codeRef = useRef<Map<number, string>>(new Map());
  const [runningKey, setRunningKey] = useState<number | "restart" | null>(null);
  const runIdRef = useRef<string | null>(null);
  const stopAll = useRef(false);
  const [kernelNote, setKernelNote] = useState<string | null>(null);

  const setCell = useCallback(
    (key: number, patch: Partial<NotebookCell>, persist = false) => setCells((cs) => cs.map((c) => (c.key === key ? { ...c, ...patch } : c)), persist),
    [setCells],
  );
  useEffect(() => {
    // A new notebook: store the starter cells, so a run of one of them does not leave the other behind.
    // (A seed: starter cells alone do not make a session worth listing.)
    if (!initialCells) onCellsChange(cells.map(({ key, code }) => ({ key, code })), true);
    // Only on mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const codeOf = (cell: NotebookCell) => codeRef.current.get(cell.key) ?? cell.code;

  const runOne = useCallback(
    async (cell: NotebookCell): Promise<ToolResult> => {
      const runId = newRunId();
      runIdRef.current = runId;
      setRunningKey(cell.key);
      try {
        const r = await runCellRecorded({ sessionId, backend, code: codeRef.current.get(cell.key) ?? cell.code, runId, cellKey: cell.key });
        setCell(cell.key, { result: r });
        return r;
      } catch (e) {
        const r: ToolResult = { tool_name: "notebook_executor", status: "error", output: "", error: unreachable(e), duration_ms: 0 };
        setCell(cell.key, { result: r });
        return r;
      } finally {
        runIdRef.current = null;
        setRunningKey(null);
      }
    },
    [sessionId, backend, setCell],
  );

  const runAll = async () => {
    stopAll.current = false;
    for (const cell of cells) {
      if (stopAll.current) break;
      const r = await runOne(cell);
      if (r.status !== "success") break;
    }
  };

  const restart = async () => {
    setRunningKey("restart");
    try {
      const r = await restartKernelRecorded({ sessionId, backend, restart: true, runId: newRunId() });
      setKernelNote(r.status === "success" ? "Kernel restarted: all variables are gone." : (r.error ?? "Restart failed."));
      setCells((cs) => cs.map((c) => ({ ...c, result: null })));
    } finally {
      setRunningKey(null);
    }
  };

  const cancel = async () => {
    stopAll.current = true;
    const id = runIdRef.current;
    if (id) await requestCancel(id, () => runIdRef.current === id);
  };

  const editCell = (key: number, code: string) => {
    codeRef.current.set(key, code);
    setCell(key, { code }, true);
  };
  const addCell = () => setCells((cs) => [...cs, { key: nextKey.current++, code: "", result: null }], true);
  const deleteCell = (key: number) => setCells((cs) => cs.filter((c) => c.key !== key), true);

  return { cells, codeOf, runningKey, kernelNote, runOne, runAll, restart, cancel, editCell, addCell, deleteCell };
}
