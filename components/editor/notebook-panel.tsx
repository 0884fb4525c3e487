"use client";

import type { BackendAvailability, BackendName } from "@/lib/sandbox/types";
import { ToolResultPanel } from "@/components/tool-result/tool-result-panel";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { useNotebook } from "./use-notebook";

// Notebook mode: cells run in order against the session's Jupyter kernel (notebook_executor),
// so variables persist from cell to cell; figures and HTML render inline under each cell.

export interface NotebookPanelProps {
  sessionId: string;
  backend: BackendName;
  backendInfo: BackendAvailability | undefined;
}

export function NotebookPanel({ sessionId, backend, backendInfo }: NotebookPanelProps) {
  const { cells, runningKey, kernelNote, runOne, runAll, restart, cancel, editCell, addCell, deleteCell } = useNotebook(sessionId, backend);
  const available = Boolean(backendInfo?.available);
  const busy = runningKey !== null;

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
                onChange={(e) => editCell(cell.key, e.target.value)}
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
