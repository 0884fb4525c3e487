"use client";

import { useCallback, useEffect, useState } from "react";
import type { BackendAvailability, BackendName } from "@/lib/sandbox/types";
import type { EditorTool } from "@/app/(playground)/editor/schema";
import { ToolResultPanel } from "@/components/tool-result/tool-result-panel";
import { Button } from "@/components/ui/button";
import { CodeEditor, languageForPath } from "./code-editor";
import { FilePanel } from "./file-panel";
import { LanguagePicker, monacoLanguage } from "./language-picker";
import { NotebookPanel } from "./notebook-panel";
import { RunToolbar } from "./run-toolbar";
import { useCodeRun } from "./use-code-run";
import { useScratchBuffers } from "./use-scratch-buffers";
import { useSessionFiles } from "./use-session-files";

const toolLanguage: Record<EditorTool, string> = { python: "python", shell: "shell", code: "plaintext", notebook: "python" };

export interface EditorWorkbenchProps {
  sessionId: string;
  initialTool: EditorTool;
  initialBackend: BackendName;
  backends: BackendAvailability[];
  /** multi_code_executor language (tool "code"). */
  initialLanguage?: string;
}

/** Keeps shareable state (session, tool, backend) in the URL without a server round trip. */
function syncUrl(params: Record<string, string>) {
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  window.history.replaceState(null, "", url);
}

/** Ctrl/Cmd+Enter anywhere on the page (Monaco handles it itself when focused). */
function useRunShortcut(run: () => void) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
        e.preventDefault();
        run();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [run]);
}

export function EditorWorkbench({ sessionId, initialTool, initialBackend, backends, initialLanguage }: EditorWorkbenchProps) {
  const [tool, setTool] = useState<EditorTool>(initialTool);
  const [backend, setBackend] = useState<BackendName>(initialBackend);
  const [language, setLanguage] = useState<string>(initialLanguage ?? "python");
  const scratch = useScratchBuffers();
  const files = useSessionFiles(sessionId, backend);
  const { openFile } = files;
  const backendInfo = backends.find((b) => b.backend === backend);

  const currentCode = useCallback(
    () => (openFile ? files.fileText.current : scratch.get(tool, language)),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- refs inside
    [openFile, tool, language],
  );
  const { running, cancelling, result, run, cancel } = useCodeRun({
    sessionId,
    backend,
    tool,
    language,
    canRun: Boolean(backendInfo?.available),
    code: currentCode,
    onDone: () => void files.refresh(),
  });
  const runNow = useCallback(() => void run(), [run]);
  useRunShortcut(runNow);

  const changeTool = (t: EditorTool) => {
    setTool(t);
    syncUrl({ tool: t });
  };
  const changeLanguage = (l: string) => {
    setLanguage(l);
    syncUrl({ lang: l });
  };
  const changeBackend = (b: BackendName) => {
    setBackend(b);
    files.close();
    syncUrl({ backend: b });
  };

  return (
    <div data-testid="editor-workbench" className="grid min-h-0 flex-1 gap-3 p-3 lg:grid-cols-[16rem_minmax(0,1fr)_minmax(0,1fr)]">
      <FilePanel
        files={files.files}
        busy={files.busy}
        error={files.error}
        openPath={openFile?.path ?? null}
        onOpen={(p) => void files.open(p)}
        onDelete={(p) => void files.remove(p)}
        onCreate={(p) => void files.create(p)}
        onRefresh={() => void files.refresh()}
      />

      <section className={tool === "notebook" ? "flex min-h-0 min-w-0 flex-col gap-2 lg:col-span-2" : "flex min-h-0 min-w-0 flex-col gap-2"}>
        <RunToolbar
          toolOptions={
            tool === "code" ? <LanguagePicker value={language} languages={backendInfo?.languages ?? []} onChange={changeLanguage} disabled={running} /> : undefined
          }
          hideRun={tool === "notebook"}
          tool={tool}
          onToolChange={changeTool}
          backend={backend}
          backends={backends}
          onBackendChange={changeBackend}
          running={running}
          cancelling={cancelling}
          canRun={!running && Boolean(backendInfo?.available)}
          onRun={runNow}
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
                  {files.dirty && (
                    <span data-testid="file-dirty" className="text-amber-700">
                      unsaved
                    </span>
                  )}
                  <Button size="sm" variant="primary" onClick={() => void files.save()} disabled={files.busy} data-testid="file-save">
                    Save
                  </Button>
                  <Button size="sm" variant="ghost" onClick={files.close} data-testid="file-close">
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
                language={openFile ? languageForPath(openFile.path) : tool === "code" ? (monacoLanguage[language] ?? "plaintext") : toolLanguage[tool]}
                defaultValue={currentCode()}
                onChange={(v) => (openFile ? files.edit(v) : scratch.set(tool, language, v))}
                onRun={runNow}
                onSave={openFile ? () => void files.save() : undefined}
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
