"use client";

import { useState, type FormEvent } from "react";
import type { BackendName, FileEntry } from "@/lib/sandbox/types";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { formatBytes } from "@/components/tool-result/format";
import { isBuildLeftover } from "./file-entries";

export interface FilePanelProps {
  /** Local files and Docker files are different places: the panel names the one it lists. */
  backend: BackendName;
  files: FileEntry[] | null;
  busy: boolean;
  error: string | null;
  openPath: string | null;
  onOpen(path: string): void;
  onDelete(path: string): void;
  onCreate(path: string): void;
  onRefresh(): void;
}

/** The session working directory (`/sandbox`), through the file_operation tool. */
const placeText: Record<BackendName, string> = {
  local: "This session's directory on this machine (the local backend). The Docker backend has its own, separate files.",
  docker: "This session's Docker container. The local backend has its own, separate files; they are not here.",
};

export function FilePanel({ backend, files, busy, error, openPath, onOpen, onDelete, onCreate, onRefresh }: FilePanelProps) {
  const [name, setName] = useState("");
  const [showLeftovers, setShowLeftovers] = useState(false);
  const leftovers = files?.filter(isBuildLeftover).length ?? 0;
  const shown = files && !showLeftovers ? files.filter((f) => !isBuildLeftover(f) || f.name === openPath) : files;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    onCreate(trimmed);
    setName("");
  };

  return (
    <aside data-testid="file-panel" className="flex min-h-0 flex-col gap-2 overflow-y-auto rounded-lg border border-zinc-200 bg-white p-3">
      <div className="flex items-center justify-between">
        <h2 className="text-sm font-semibold">
          Files{" "}
          <span data-testid="file-place" data-backend={backend} className="font-mono text-xs font-normal text-zinc-500">
            {backend === "docker" ? "docker:" : "local:"}/sandbox
          </span>
        </h2>
        <Button size="sm" variant="ghost" onClick={onRefresh} disabled={busy} data-testid="file-refresh">
          Refresh
        </Button>
      </div>

      <p data-testid="file-place-note" className="text-xs text-zinc-500">
        {placeText[backend]}
      </p>

      <form onSubmit={submit} className="flex gap-1">
        <input
          value={name}
          onChange={(e) => setName(e.target.value)}
          placeholder="new-file.py"
          aria-label="New file name"
          data-testid="new-file-name"
          className="min-w-0 flex-1 rounded-md border border-zinc-300 px-2 py-1 font-mono text-xs"
        />
        <Button size="sm" type="submit" disabled={busy || !name.trim()} data-testid="file-create">
          Create
        </Button>
      </form>

      {error && (
        <p data-testid="file-error" className="rounded bg-red-50 p-2 text-xs text-red-800">
          {error}
        </p>
      )}

      {shown === null ? (
        <p className="text-xs text-zinc-500">Loading…</p>
      ) : shown.length === 0 ? (
        <p data-testid="file-list-empty" className="text-xs text-zinc-500">
          No files yet. Create one, or write files from your code.
        </p>
      ) : (
        <ul data-testid="file-list" className="flex flex-col">
          {shown.map((f) => (
            <li
              key={f.name}
              data-testid="file-item"
              data-path={f.name}
              className={cn(
                "group flex items-center gap-2 rounded px-1.5 py-1 text-xs",
                openPath === f.name ? "bg-indigo-50" : "hover:bg-zinc-100",
              )}
            >
              {f.type === "file" ? (
                <button
                  type="button"
                  onClick={() => onOpen(f.name)}
                  data-testid="file-open"
                  className="min-w-0 flex-1 truncate text-left font-mono text-zinc-800 hover:underline"
                  title={`Open ${f.name}`}
                >
                  {f.name}
                </button>
              ) : (
                <span className="min-w-0 flex-1 truncate font-mono text-zinc-500" title={f.type}>
                  {f.name}
                  {f.type === "dir" ? "/" : ""}
                </span>
              )}
              <span className="text-zinc-400">{f.type === "file" ? formatBytes(f.size) : f.type}</span>
              <button
                type="button"
                onClick={() => onDelete(f.name)}
                disabled={busy}
                data-testid="file-delete"
                aria-label={`Delete ${f.name}`}
                className="rounded px-1 text-zinc-400 hover:bg-red-100 hover:text-red-700"
              >
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      {leftovers > 0 && (
        <button
          type="button"
          data-testid="file-leftovers-toggle"
          onClick={() => setShowLeftovers((v) => !v)}
          className="self-start text-xs text-zinc-500 underline decoration-dotted hover:text-zinc-800"
          title="Compiled binaries and caches (main, *.class, __pycache__, …)"
        >
          {showLeftovers ? `Hide ${leftovers} build/cache files` : `${leftovers} build/cache file${leftovers === 1 ? "" : "s"} hidden · show`}
        </button>
      )}
    </aside>
  );
}
