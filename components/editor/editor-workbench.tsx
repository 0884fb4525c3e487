"use client";

import { useCallback, useEffect, useState } from "react";
import type { BackendAvailability, BackendName, ToolResult } from "@/lib/sandbox/types";
import type { EditorTool } from "@/lib/workspace/schema";
import type { Workspace } from "@/lib/workspace/schema";
import { ToolResultPanel } from "@/components/tool-result/tool-result-panel";
import { CopyLink } from "@/components/share/copy-link";
import { ShareMenu } from "@/components/share/share-menu";
import { Button } from "@/components/ui/button";
import { CodeEditor, languageForPath } from "./code-editor";
import { FilePanel } from "./file-panel";
import { LanguagePicker, monacoLanguage } from "./language-picker";
import { NotebookPanel } from "./notebook-panel";
import type { NotebookCell } from "./use-notebook";
import { RunToolbar } from "./run-toolbar";
import { SessionList } from "./session-list";
import { useCodeRun } from "./use-code-run";
import { useScratchBuffers } from "./use-scratch-buffers";
import { useSessionFiles } from "./use-session-files";
import { useWorkspaceSync } from "./use-workspace-sync";

const toolLanguage: Record<EditorTool, string> = { python: "python", shell: "shell", code: "plaintext", notebook: "python" };

export interface EditorWorkbenchProps {
  sessionId: string;
  initialTool: EditorTool;
  initialBackend: BackendName;
  backends: BackendAvailability[];
  /** multi_code_executor language (tool "code"). */
  initialLanguage?: string;
  /** What this session was doing (server-side), or null for a new session. */
  workspace?: Workspace | null;
}

/** Keeps shareable state (session, tool, backend) in the URL without a server round trip. */
function syncUrl(params: Record<string, string>) {
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  window.history.replaceState(null, "", url);
}

/** Ctrl/Cmd+Enter anywhere on the page runs (Monaco handles it itself when focused); Escape cancels a run. */
function useRunShortcuts(run: () => void, cancel: (() => void) | null) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
        e.preventDefault();
        run();
      } else if (e.key === "Escape" && cancel) {
        cancel();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [run, cancel]);
}

/** The session's id, the Sessions list and New session: in every mode. */
function SessionControls({ sessionId }: { sessionId: string }) {
  return (
    <>
      <span
        className="ml-auto whitespace-nowrap font-mono text-zinc-400"
        data-testid="editor-session"
        title="Session id (in the URL). Reload, or leave and come back through the header: the buffers, files, mode, backend, last result and notebook cells are kept."
      >
        session {sessionId.slice(0, 8)}
      </span>
      <CopyLink />
      <ShareMenu target={{ kind: "editor_session", session: sessionId }} />
      <SessionList current={sessionId} />
      <a href="/editor?new=1" data-testid="editor-new-session" className="whitespace-nowrap text-zinc-500 underline decoration-dotted hover:text-zinc-800">
        New session
      </a>
    </>
  );
}

export function EditorWorkbench({ sessionId, initialTool, initialBackend, backends, initialLanguage, workspace }: EditorWorkbenchProps) {
  const [tool, setTool] = useState<EditorTool>(initialTool);
  const [backend, setBackend] = useState<BackendName>(initialBackend);
  const [language, setLanguage] = useState<string>(initialLanguage ?? "python");
  const { save, settle } = useWorkspaceSync(sessionId);
  const scratch = useScratchBuffers(workspace?.scratch);
  const files = useSessionFiles(sessionId, backend);
  const { openFile } = files;
  const backendInfo = backends.find((b) => b.backend === backend);

  useEffect(() => {
    // The page may have picked the mode and backend from the URL: the workspace follows.
    // A seed: a fresh session is not stored (nor listed) until it holds something.
    save({ tool: initialTool, backend: initialBackend, language: initialLanguage ?? "python", seed: true });
    // Reopen the file this session had open (on this backend), with its unsaved text.
    const f = workspace?.open_file;
    if (f && f.backend === initialBackend) void files.open(f.path, f.draft);
    // Only on mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const currentCode = useCallback(
    () => (openFile ? files.fileText.current : scratch.get(tool, language)),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- refs inside
    [openFile, tool, language],
  );
  const { running, cancelling, result, resultCode, runningCode, run, cancel, live } = useCodeRun({
    sessionId,
    backend,
    tool,
    language,
    canRun: Boolean(backendInfo?.available),
    code: currentCode,
    initialResult: (workspace?.result as ToolResult | null | undefined) ?? null,
    initialResultCode: workspace?.result_code ?? null,
    inFlight: workspace?.running ?? null,
    beforeRun: settle,
    onDone: () => void files.refresh(),
  });
  const runNow = useCallback(() => void run(), [run]);
  const onCellsChange = useCallback((cells: { key: number; code: string }[], seed?: boolean) => save({ cells, ...(seed ? { seed } : {}) }), [save]);
  const cancelNow = useCallback(() => void cancel(), [cancel]);
  useRunShortcuts(runNow, running ? cancelNow : null);

  const changeTool = (t: EditorTool) => {
    setTool(t);
    syncUrl({ tool: t });
    save({ tool: t, seed: true });
  };
  const changeLanguage = (l: string) => {
    setLanguage(l);
    syncUrl({ lang: l });
    save({ language: l, seed: true });
  };
  const changeBackend = (b: BackendName) => {
    setBackend(b);
    files.close();
    syncUrl({ backend: b });
    save({ backend: b, open_file: null, seed: true }, true);
  };
  const openPath = async (path: string) => {
    if (await files.open(path)) save({ open_file: { path, backend } });
  };
  const closeFile = () => {
    files.close();
    save({ open_file: null });
  };
  const saveFile = async () => {
    if (!openFile) return;
    const path = openFile.path;
    // A failed write keeps the stored unsaved text; text typed during the write stays a draft.
    const written = await files.save();
    if (written === null) return;
    const now = files.fileText.current;
    save({ open_file: { path, backend, ...(now !== written ? { draft: now } : {}) } });
  };
  const deleteFile = async (p: string) => {
    const wasOpen = openFile?.path === p;
    if ((await files.remove(p)) && wasOpen) save({ open_file: null });
  };
  const onEdit = (v: string) => {
    if (openFile) {
      files.edit(v);
      save({ open_file: { path: openFile.path, backend, draft: v } });
    } else {
      scratch.set(tool, language, v);
      save({ scratch: tool === "code" ? { code: { [language]: v } } : { [tool]: v } });
    }
  };

  return (
    <div data-testid="editor-workbench" className="grid min-h-0 flex-1 gap-3 p-3 lg:grid-cols-[13rem_minmax(0,1fr)] xl:grid-cols-[16rem_minmax(0,1fr)_minmax(0,1fr)]">
      <FilePanel
        backend={backend}
        files={files.files}
        busy={files.busy}
        error={files.error}
        openPath={openFile?.path ?? null}
        onOpen={(p) => void openPath(p)}
        onDelete={(p) => void deleteFile(p)}
        onCreate={(p) => void files.create(p).then((ok) => ok && save({ open_file: { path: p, backend } }))}
        onRefresh={() => void files.refresh()}
      />

      <section className={tool === "notebook" ? "flex min-h-0 min-w-0 flex-col gap-2 lg:col-span-1 xl:col-span-2" : "flex min-h-0 min-w-0 flex-col gap-2"}>
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
          onCancel={cancelNow}
        />
        {tool === "notebook" ? (
          <>
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-zinc-600">
            <SessionControls sessionId={sessionId} />
          </div>
          <NotebookPanel
            sessionId={sessionId}
            backend={backend}
            backendInfo={backendInfo}
            {...(workspace?.cells ? { initialCells: workspace.cells as NotebookCell[] } : {})}
            onCellsChange={onCellsChange}
          />
          </>
        ) : (
          <>
            <div className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-zinc-600">
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
                  <Button size="sm" variant="primary" onClick={() => void saveFile()} disabled={files.busy} data-testid="file-save">
                    Save
                  </Button>
                  <Button size="sm" variant="ghost" onClick={closeFile} data-testid="file-close">
                    Close file
                  </Button>
                </>
              ) : (
                <span data-testid="scratch-label" className="whitespace-nowrap">scratch buffer ({tool === "code" ? language : tool})</span>
              )}
              <SessionControls sessionId={sessionId} />
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
                onChange={onEdit}
                onRun={runNow}
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
          code={resultCode?.code ?? null}
          runningCode={runningCode?.code ?? null}
          live={live}
          // Under the editor at 1024 px (two columns), its own column from 1280 px.
          className="min-h-0 min-w-0 overflow-auto lg:col-start-2 xl:col-start-auto"
          emptyText="Run the code (button or Ctrl/⌘+Enter) to see stdout, stderr and the exit code here."
        />
      )}
    </div>
  );
}
