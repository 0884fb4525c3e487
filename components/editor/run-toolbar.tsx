"use client";

import type { ReactNode } from "react";
import type { BackendAvailability, BackendName } from "@/lib/sandbox/types";
import type { EditorTool } from "@/lib/workspace/schema";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";

export interface RunToolbarProps {
  tool: EditorTool;
  onToolChange(tool: EditorTool): void;
  backend: BackendName;
  backends: BackendAvailability[];
  onBackendChange(backend: BackendName): void;
  running: boolean;
  cancelling: boolean;
  canRun: boolean;
  onRun(): void;
  onCancel(): void;
  /** Shown after the tool picker (the language picker in code mode). */
  toolOptions?: ReactNode;
  /** Notebook mode runs cells from its own controls. */
  hideRun?: boolean;
}

const toolLabels: Record<EditorTool, string> = {
  python: "Python",
  shell: "Shell (bash)",
  code: "Code (multi-language)",
  notebook: "Notebook (Jupyter)",
};

export function RunToolbar(p: RunToolbarProps) {
  const current = p.backends.find((b) => b.backend === p.backend);
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label className="flex items-center gap-1.5 text-sm text-zinc-600">
        Tool
        <Select
          value={p.tool}
          onChange={(e) => p.onToolChange(e.target.value as EditorTool)}
          data-testid="tool-select"
          disabled={p.running}
        >
          {(Object.keys(toolLabels) as EditorTool[]).map((t) => (
            <option key={t} value={t}>
              {toolLabels[t]}
            </option>
          ))}
        </Select>
      </label>
      {p.toolOptions}
      <label className="flex items-center gap-1.5 text-sm text-zinc-600">
        Backend
        <Select
          value={p.backend}
          onChange={(e) => p.onBackendChange(e.target.value as BackendName)}
          className="max-w-72"
          data-testid="backend-select"
          disabled={p.running}
        >
          {p.backends.map((b) => (
            <option key={b.backend} value={b.backend} disabled={!b.available} data-testid={`backend-option-${b.backend}`}>
              {b.backend}
              {!b.available ? ` — unavailable: ${b.reason ?? "unknown reason"}` : b.isolated ? "" : " — not isolated"}
            </option>
          ))}
        </Select>
      </label>
      {current && current.available && !current.isolated && (
        <span data-testid="backend-not-isolated" className="text-xs text-amber-800" title={current.reason}>
          runs are not isolated{current.reason ? `: ${current.reason}` : ""}
        </span>
      )}
      {current && !current.available && (
        <span data-testid="backend-unavailable" className="text-xs text-red-700">
          {current.backend} is unavailable{current.reason ? `: ${current.reason}` : ""}
        </span>
      )}
      {/* Run and Cancel share one fixed slot and the status keeps its space, so the layout does not move. */}
      <div className={p.hideRun ? "hidden" : "ml-auto flex items-center gap-2"} data-testid="run-controls">
        <span className="hidden w-24 text-right text-xs text-zinc-500 sm:inline">{p.running ? "Esc cancels" : "Ctrl/⌘+Enter"}</span>
        <span
          data-testid={p.running ? "run-in-flight" : undefined}
          aria-hidden={!p.running}
          className={cn("flex w-20 items-center gap-1.5 text-sm text-indigo-700", !p.running && "invisible")}
        >
          <Spinner /> running
        </span>
        {p.running ? (
          <Button variant="danger" onClick={p.onCancel} disabled={p.cancelling} data-testid="cancel-button" className="w-28 justify-center">
            {p.cancelling ? "Cancelling…" : "Cancel"}
          </Button>
        ) : (
          <Button variant="primary" onClick={p.onRun} disabled={!p.canRun} data-testid="run-button" className="w-28 justify-center">
            Run
          </Button>
        )}
      </div>
    </div>
  );
}
