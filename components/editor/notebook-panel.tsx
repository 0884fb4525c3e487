"use client";

import type { BackendAvailability, BackendName } from "@/lib/sandbox/types";
import { ToolResultPanel } from "@/components/tool-result/tool-result-panel";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { CodeEditor } from "./code-editor";
import { useNotebook, type NotebookCell } from "./use-notebook";

// Notebook mode: cells run in order against the session's Jupyter kernel (notebook_executor),
// so variables persist from cell to cell; figures and HTML render inline under each cell.

export interface NotebookPanelProps {
  sessionId: string;
  backend: BackendName;
  backendInfo: BackendAvailability | undefined;
  /** Cells kept in the session's workspace (absent: the starter cells). */
  initialCells?: NotebookCell[];
  onCellsChange: (cells: { key: number; code: string }[], seed?: boolean) => void;
}

export function NotebookPanel({ sessionId, backend, backendInfo, initialCells, onCellsChange }: NotebookPanelProps) {
  const { cells, runningKey, kernelNote, runOne, runAll, restart, cancel, editCell, addCell, deleteCell } = useNotebook(
    sessionId,
    backend,
    initialCells,
    onCellsChange,
  );
  const available = Boolean(backendInfo?.available);
  const busy = runningKey !== null;

  return (
    <section data-testid="notebook" className="flex min-h-0 min-w-0 flex-col gap-3 overflow-auto lg:col-span-2">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-zinc-600">
          Jupyter kernel on <strong>{backend}</strong>: cells share variables, run top to bottom. Shift+Enter runs a cell.
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
              <div className="min-w-0 flex-1 overflow-hidden rounded border border-zinc-800">
                <CodeEditor
                  testId="notebook-cell-input"
                  path={`file:///notebook/${sessionId}/cell-${cell.key}.py`}
                  language="python"
                  defaultValue={cell.code}
                  autoHeight={{ min: 44, max: 480 }}
                  onChange={(v) => editCell(cell.key, v)}
                  onRun={() => !busy && available && void runOne(cell)}
                  onShiftEnter={() => !busy && available && void runOne(cell)}
                />
              </div>
              <div className="flex flex-col gap-1">
                <Button size="sm" variant="primary" onClick={() => void runOne(cell)} disabled={!available || busy} data-testid="notebook-cell-run" title="Run this cell (Shift+Enter in the cell)">
                  {runningKey === cell.key ? <Spinner /> : "Run"}
                </Button>
                <Button size="sm" variant="ghost" onClick={() => deleteCell(cell.key)} disabled={busy} data-testid="notebook-cell-delete">
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
          onClick={addCell}
          disabled={busy}
          data-testid="notebook-add-cell"
        >
          + Cell
        </Button>
      </div>
    </section>
  );
}
