"use client";

import { useCallback, useRef, useState } from "react";
import type { BackendAvailability, BackendName, ToolResult } from "@/lib/sandbox/types";
import { runNotebookCell } from "@/app/(playground)/editor/actions";
import { ToolResultPanel } from "@/components/tool-result/tool-result-panel";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";

// Notebook mode: cells run in order against the session's Jupyter kernel (notebook_executor),
// so variables persist from cell to cell; figures and HTML render inline under each cell.

interface Cell {
  key: number;
  code: string;
  result: ToolResult | null;
}

export interface NotebookPanelProps {
  sessionId: string;
  backend: BackendName;
  backendInfo: BackendAvailability | undefined;
}

const firstCells = [
  "import numpy as np\nx = np.linspace(0, 2 * np.pi, 100)\nprint('points:', len(x))",
  "import matplotlib.pyplot as plt\nplt.plot(x, np.sin(x))\nplt.title('sin(x)')\nplt.show()",
];

function newRunId(): string {
  return crypto.randomUUID().replace(/-/g, "");
}

export function NotebookPanel({ sessionId, backend, backendInfo }: NotebookPanelProps) {
  const nextKey = useRef(firstCells.length);
  const [cells, setCells] = useState<Cell[]>(firstCells.map((code, key) => ({ key, code, result: null })));
  const [runningKey, setRunningKey] = useState<number | "restart" | null>(null);
  const runIdRef = useRef<string | null>(null);
  const stopAll = useRef(false);
  const [kernelNote, setKernelNote] = useState<string | null>(null);
  const available = Boolean(backendInfo?.available);
  const busy = runningKey !== null;

  const setCell = (key: number, patch: Partial<Cell>) => setCells((cs) => cs.map((c) => (c.key === key ? { ...c, ...patch } : c)));

  const runOne = useCallback(
    async (cell: Cell): Promise<ToolResult> => {
      const runId = newRunId();
      runIdRef.current = runId;
      setRunningKey(cell.key);
      try {
        const r = await runNotebookCell({ sessionId, backend, code: cell.code, runId });
        setCell(cell.key, { result: r });
        return r;
      } catch (e) {
        const r: ToolResult = { tool_name: "notebook_executor", status: "error", output: "", error: `The server did not answer (${e instanceof Error ? e.message : String(e)}).`, duration_ms: 0 };
        setCell(cell.key, { result: r });
        return r;
      } finally {
        runIdRef.current = null;
        setRunningKey(null);
      }
    },
    [sessionId, backend],
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
      const r = await runNotebookCell({ sessionId, backend, restart: true, runId: newRunId() });
      setKernelNote(r.status === "success" ? "Kernel restarted: all variables are gone." : (r.error ?? "Restart failed."));
      setCells((cs) => cs.map((c) => ({ ...c, result: null })));
    } finally {
      setRunningKey(null);
    }
  };

  const cancel = async () => {
    stopAll.current = true;
    const id = runIdRef.current;
    if (!id) return;
    for (let attempt = 0; attempt < 20 && runIdRef.current === id; attempt++) {
      const res = await fetch(`/api/runs/${encodeURIComponent(id)}/cancel`, { method: "POST" }).catch(() => null);
      const body = (await res?.json().catch(() => null)) as { cancelled?: boolean } | null;
      if (body?.cancelled) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  return (
    <section data-testid="notebook" className="flex min-h-0 min-w-0 flex-col gap-3 overflow-auto lg:col-span-2">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-zinc-600">
          Jupyter kernel on <strong>{backend}</strong>: cells share variables, run top to bottom.
        </span>
        <div className="ml-auto flex items-center gap-2">
          <Button variant="primary" onClick={() => void runAll()} disabled={!available || busy} data-testid="notebook-run-all">
            Run all
          </Button>
          <Button onClick={() => void restart()} disabled={!available || busy} data-testid="notebook-restart">
            Restart kernel
          </Button>
          {busy && runningKey !== "restart" && (
            <Button variant="danger" onClick={() => void cancel()} data-testid="notebook-cancel">
              Interrupt
            </Button>
          )}
        </div>
      </div>
      {!available && (
        <p data-testid="notebook-unavailable" className="text-sm text-red-700">
          {backend} is unavailable{backendInfo?.reason ? `: ${backendInfo.reason}` : ""}
        </p>
      )}
      {kernelNote && (
        <p data-testid="notebook-kernel-note" className="text-xs text-zinc-500">
          {kernelNote}
        </p>
      )}
      <ol className="flex flex-col gap-3">
        {cells.map((cell, i) => (
          <li key={cell.key} data-testid={`notebook-cell-${i}`} className="flex flex-col gap-2 rounded-lg border border-zinc-200 bg-zinc-50 p-2">
            <div className="flex items-start gap-2">
              <span className="w-10 pt-1 text-right font-mono text-xs text-zinc-400">
                [{cell.result?.meta?.execution_count != null ? String(cell.result.meta.execution_count) : " "}]
              </span>
              <textarea
                data-testid="notebook-cell-input"
                value={cell.code}
                spellCheck={false}
                rows={Math.max(2, cell.code.split("\n").length)}
                onChange={(e) => setCell(cell.key, { code: e.target.value })}
                onKeyDown={(e) => {
                  if (e.key === "Enter" && (e.shiftKey || e.ctrlKey || e.metaKey)) {
                    e.preventDefault();
                    e.stopPropagation();
                    if (!busy && available) void runOne(cell);
                  }
                }}
                className="min-w-0 flex-1 resize-y rounded border border-zinc-300 bg-white p-2 font-mono text-sm"
              />
              <div className="flex flex-col gap-1">
                <Button size="sm" variant="primary" onClick={() => void runOne(cell)} disabled={!available || busy} data-testid="notebook-cell-run" title="Shift+Enter">
                  {runningKey === cell.key ? <Spinner /> : "Run"}
                </Button>
                <Button size="sm" variant="ghost" onClick={() => setCells((cs) => cs.filter((c) => c.key !== cell.key))} disabled={busy} data-testid="notebook-cell-delete">
                  Delete
                </Button>
              </div>
            </div>
            {(cell.result || runningKey === cell.key) && (
              <ToolResultPanel result={cell.result} running={runningKey === cell.key} testId="notebook-cell-output" className="ml-12" />
            )}
          </li>
        ))}
      </ol>
      <div>
        <Button
          size="sm"
          onClick={() => setCells((cs) => [...cs, { key: nextKey.current++, code: "", result: null }])}
          disabled={busy}
          data-testid="notebook-add-cell"
        >
          + Cell
        </Button>
      </div>
    </section>
  );
}
