"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { BackendAvailability, BackendName, FileEntry, ToolResult } from "@/lib/sandbox/types";
import { fileOperation, runCode } from "@/app/(playground)/editor/actions";
import type { EditorTool } from "@/app/(playground)/editor/schema";
import { ToolResultPanel } from "@/components/tool-result/tool-result-panel";
import { Button } from "@/components/ui/button";
import { CodeEditor, languageForPath } from "./code-editor";
import { FilePanel } from "./file-panel";
import { fileEntriesFrom } from "./file-entries";
import { LanguagePicker, languageStarters, monacoLanguage } from "./language-picker";
import { NotebookPanel } from "./notebook-panel";
import { RunToolbar } from "./run-toolbar";

const starterCode: Record<EditorTool, string> = {
  python: 'import sys\nprint("hello from", sys.version.split()[0])\n',
  shell: 'echo "hello from $(uname -s)"; ls -la\n',
  // code and notebook keep their text elsewhere (per language / per cell).
  code: "",
  notebook: "",
};
const toolLanguage: Record<EditorTool, string> = { python: "python", shell: "shell", code: "plaintext", notebook: "python" };

interface OpenFile {
  path: string;
  /** Text last read from or written to disk. */
  saved: string;
  /** Bumped on every open, so Monaco gets a fresh model with the disk content. */
  version: number;
}

export interface EditorWorkbenchProps {
  sessionId: string;
  initialTool: EditorTool;
  initialBackend: BackendName;
  backends: BackendAvailability[];
  /** multi_code_executor language (tool "code"). */
  initialLanguage?: string;
}

function newRunId(): string {
  return crypto.randomUUID().replace(/-/g, "");
}

function unreachable(e: unknown): string {
  return `The server did not answer (${e instanceof Error ? e.message : String(e)}). Is it still running?`;
}

/** Keeps shareable state (session, tool, backend) in the URL without a server round trip. */
function syncUrl(params: Record<string, string>) {
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  window.history.replaceState(null, "", url);
}

export function EditorWorkbench({ sessionId, initialTool, initialBackend, backends, initialLanguage }: EditorWorkbenchProps) {
  const [tool, setTool] = useState<EditorTool>(initialTool);
  const [backend, setBackend] = useState<BackendName>(initialBackend);
  const [language, setLanguage] = useState<string>(initialLanguage ?? "python");
  const codeText = useRef<Record<string, string>>({});
  // The live text lives in refs, updated synchronously by Monaco's change events,
  // so a Run right after a keystroke never sees a stale buffer.
  const scratchText = useRef<Record<EditorTool, string>>({ ...starterCode });
  const fileText = useRef("");
  const [openFile, setOpenFile] = useState<OpenFile | null>(null);
  const [dirty, setDirty] = useState(false);
  const openVersion = useRef(0);
  const [runId, setRunId] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [result, setResult] = useState<ToolResult | null>(null);
  const [files, setFiles] = useState<FileEntry[] | null>(null);
  const [fileBusy, setFileBusy] = useState(false);
  const [fileError, setFileError] = useState<string | null>(null);
  const running = runId !== null;
  const runningRef = useRef(false);
  const runIdRef = useRef<string | null>(null);

  const backendInfo = backends.find((b) => b.backend === backend);
  const canRun = !running && Boolean(backendInfo?.available);

  const refreshFiles = useCallback(async () => {
    setFileBusy(true);
    try {
      const r = await fileOperation({ operation: "list", sessionId, backend, file_path: "." });
      if (r.status === "success") {
        setFiles(fileEntriesFrom(r));
        setFileError(null);
      } else {
        setFiles([]);
        setFileError(r.error ?? r.output);
      }
    } catch (e) {
      setFileError(unreachable(e));
    } finally {
      setFileBusy(false);
    }
  }, [sessionId, backend]);

  useEffect(() => {
    void refreshFiles();
  }, [refreshFiles]);

  const currentCode = useCallback(
    () =>
      openFile
        ? fileText.current
        : tool === "code"
          ? (codeText.current[language] ?? languageStarters[language] ?? "")
          : scratchText.current[tool],
    [openFile, tool, language],
  );

  const run = useCallback(async () => {
    if (runningRef.current || !backendInfo?.available || tool === "notebook") return;
    runningRef.current = true;
    const id = newRunId();
    runIdRef.current = id;
    setRunId(id);
    setCancelling(false);
    try {
      const r = await runCode({ sessionId, backend, tool, code: currentCode(), runId: id, ...(tool === "code" ? { language } : {}) });
      setResult(r);
    } catch (e) {
      // The action itself never throws; this is the network or the server going away.
      setResult({
        tool_name: tool,
        status: "error",
        output: "",
        error: unreachable(e),
        duration_ms: 0,
      });
    } finally {
      runningRef.current = false;
      runIdRef.current = null;
      setRunId(null);
      setCancelling(false);
      // Code may have written files.
      void refreshFiles();
    }
  }, [backendInfo?.available, sessionId, backend, tool, language, currentCode, refreshFiles]);

  const cancel = useCallback(async () => {
    if (!runId) return;
    setCancelling(true);
    // A route handler, not a server action: Next runs a client's actions one at a
    // time, so a cancel action would wait behind the very run it should stop.
    // A click right after Run can beat the run to the server: ask again briefly.
    for (let attempt = 0; attempt < 20 && runIdRef.current === runId; attempt++) {
      const res = await fetch(`/api/runs/${encodeURIComponent(runId)}/cancel`, { method: "POST" }).catch(() => null);
      const body = (await res?.json().catch(() => null)) as { cancelled?: boolean } | null;
      if (body?.cancelled) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  }, [runId]);

  // Ctrl/Cmd+Enter anywhere on the page (Monaco handles it itself when focused).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
        e.preventDefault();
        void run();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [run]);

  const fileOp = async (input: Parameters<typeof fileOperation>[0]): Promise<ToolResult | null> => {
    setFileBusy(true);
    try {
      const r = await fileOperation(input);
      if (r.status !== "success") {
        setFileError(r.error ?? r.output);
        return null;
      }
      setFileError(null);
      return r;
    } catch (e) {
      setFileError(unreachable(e));
      return null;
    } finally {
      setFileBusy(false);
    }
  };

  const showFile = (path: string, content: string) => {
    fileText.current = content;
    openVersion.current += 1;
    setOpenFile({ path, saved: content, version: openVersion.current });
    setDirty(false);
  };

  const openPath = async (path: string) => {
    const r = await fileOp({ operation: "read", sessionId, backend, file_path: path });
    if (r) showFile(path, r.output);
  };

  const createFile = async (path: string) => {
    const r = await fileOp({ operation: "create", sessionId, backend, file_path: path, content: "" });
    if (r) {
      showFile(path, "");
      await refreshFiles();
    }
  };

  const saveFile = async () => {
    if (!openFile) return;
    const snapshot = fileText.current;
    const r = await fileOp({
      operation: "write",
      sessionId,
      backend,
      file_path: openFile.path,
      content: snapshot,
    });
    if (r) {
      setOpenFile((f) => (f && f.path === openFile.path ? { ...f, saved: snapshot } : f));
      setDirty(fileText.current !== snapshot);
      await refreshFiles();
    }
  };

  const deleteFile = async (path: string) => {
    const r = await fileOp({ operation: "delete", sessionId, backend, file_path: path });
    if (r) {
      if (openFile?.path === path) setOpenFile(null);
      await refreshFiles();
    }
  };

  const changeTool = (t: EditorTool) => {
    setTool(t);
    syncUrl({ tool: t });
  };
  const changeLanguage = (l: string) => {
    setLanguage(l);
    syncUrl({ lang: l });
  };
  const languages = backendInfo?.languages ?? [];
  const changeBackend = (b: BackendName) => {
    setBackend(b);
    setOpenFile(null);
    setFiles(null);
    syncUrl({ backend: b });
  };

  return (
    <div data-testid="editor-workbench" className="grid min-h-0 flex-1 gap-3 p-3 lg:grid-cols-[16rem_minmax(0,1fr)_minmax(0,1fr)]">
      <FilePanel
        files={files}
        busy={fileBusy}
        error={fileError}
        openPath={openFile?.path ?? null}
        onOpen={(p) => void openPath(p)}
        onDelete={(p) => void deleteFile(p)}
        onCreate={(p) => void createFile(p)}
        onRefresh={() => void refreshFiles()}
      />

      <section className={tool === "notebook" ? "flex min-h-0 min-w-0 flex-col gap-2 lg:col-span-2" : "flex min-h-0 min-w-0 flex-col gap-2"}>
        <RunToolbar
          toolOptions={
            tool === "code" ? <LanguagePicker value={language} languages={languages} onChange={changeLanguage} disabled={running} /> : undefined
          }
          hideRun={tool === "notebook"}
          tool={tool}
          onToolChange={changeTool}
          backend={backend}
          backends={backends}
          onBackendChange={changeBackend}
          running={running}
          cancelling={cancelling}
          canRun={canRun}
          onRun={() => void run()}
          onCancel={() => void cancel()}
        />
        {tool === "notebook" ? (
          <NotebookPanel sessionId={sessionId} backend={backend} backendInfo={backendInfo} />
        ) : (
        <>
        <div className="flex items-center gap-2 text-xs text-zinc-600">
          {openFile ? (
            <>
              <span className="font-mono" data-testid="open-file-path">
                /sandbox/{openFile.path}
              </span>
              {dirty && (
                <span data-testid="file-dirty" className="text-amber-700">
                  unsaved
                </span>
              )}
              <Button size="sm" variant="primary" onClick={() => void saveFile()} disabled={fileBusy} data-testid="file-save">
                Save
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setOpenFile(null)} data-testid="file-close">
                Close file
              </Button>
            </>
          ) : (
            <span data-testid="scratch-label">scratch buffer ({tool === "code" ? language : tool})</span>
          )}
          <span className="ml-auto font-mono text-zinc-400" title="Session id (in the URL; reload keeps its files)">
            session {sessionId.slice(0, 8)}
          </span>
        </div>
        <div className="min-h-[320px] flex-1 overflow-hidden rounded-lg border border-zinc-800">
          <CodeEditor
            path={
              openFile
                ? `file:///sandbox/${openFile.path}?v=${openFile.version}`
                : tool === "code"
                  ? `file:///scratch/code-${language}`
                  : `file:///scratch/${tool}`
            }
            language={
              openFile ? languageForPath(openFile.path) : tool === "code" ? (monacoLanguage[language] ?? "plaintext") : toolLanguage[tool]
            }
            defaultValue={currentCode()}
            onChange={(v) => {
              if (openFile) {
                fileText.current = v;
                setDirty(v !== openFile.saved);
              } else if (tool === "code") {
                codeText.current[language] = v;
              } else {
                scratchText.current[tool] = v;
              }
            }}
            onRun={() => void run()}
            onSave={openFile ? () => void saveFile() : undefined}
          />
        </div>
        </>
        )}
      </section>

      {tool !== "notebook" && (
        <ToolResultPanel
          result={result}
          running={running}
          className="min-h-0 min-w-0 overflow-auto"
          emptyText="Run the code (button or Ctrl/⌘+Enter) to see stdout, stderr and the exit code here."
        />
      )}
    </div>
  );
}
