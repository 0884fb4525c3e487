"use client";

import { useCallback, useRef, useState } from "react";
import type { BackendName, ToolResult } from "@/lib/sandbox/types";
import { runCodeRecorded } from "@/app/(playground)/editor/workspace-actions";
import type { EditorTool } from "@/lib/workspace/schema";
import { newRunId, requestCancel, unreachable } from "./cancel-run";

export interface CodeRunOptions {
  sessionId: string;
  backend: BackendName;
  tool: EditorTool;
  language: string;
  canRun: boolean;
  code: () => string;
  initialResult?: ToolResult | null;
  /** Before the run is sent (stores the edits being run). */
  beforeRun?: () => Promise<void>;
  /** After every run (code may have written files). */
  onDone?: () => void;
}

/** One run at a time against the session, with Cancel; the server records each result in the workspace. */
export function useCodeRun({ sessionId, backend, tool, language, canRun, code, initialResult, beforeRun, onDone }: CodeRunOptions) {
  const [runId, setRunId] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [result, setResult] = useState<ToolResult | null>(initialResult ?? null);
  const runIdRef = useRef<string | null>(null);

  const run = useCallback(async () => {
    if (runIdRef.current !== null || !canRun || tool === "notebook") return;
    const id = newRunId();
    runIdRef.current = id;
    const source = code();
    try {
      await beforeRun?.();
      setRunId(id);
      setCancelling(false);
      setResult(await runCodeRecorded({ sessionId, backend, tool, code: source, runId: id, ...(tool === "code" ? { language } : {}) }));
    } catch (e) {
      // The action itself never throws; this is the network or the server going away.
      setResult({ tool_name: tool, status: "error", output: "", error: unreachable(e), duration_ms: 0 });
    } finally {
      runIdRef.current = null;
      setRunId(null);
      setCancelling(false);
      onDone?.();
    }
  }, [canRun, sessionId, backend, tool, language, code, beforeRun, onDone]);

  const cancel = useCallback(async () => {
    const id = runIdRef.current;
    if (!id) return;
    setCancelling(true);
    await requestCancel(id, () => runIdRef.current === id);
  }, []);

  return { running: runId !== null, cancelling, result, run, cancel };
}
