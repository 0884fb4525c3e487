"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { BackendName, ToolResult } from "@/lib/sandbox/types";
import type { RanCode, Workspace } from "@/lib/workspace/schema";
import { runCodeRecorded } from "@/app/(playground)/editor/workspace-actions";
import type { EditorTool } from "@/lib/workspace/schema";
import { newRunId, requestCancel, unreachable } from "./cancel-run";
import { useLiveOutput } from "./use-live-output";

export interface CodeRunOptions {
  sessionId: string;
  backend: BackendName;
  tool: EditorTool;
  language: string;
  canRun: boolean;
  code: () => string;
  initialResult?: ToolResult | null;
  /** The code the initial result came from. */
  initialResultCode?: RanCode | null;
  /** A run of this session still in flight when the page loaded (started before a reload). */
  inFlight?: (RanCode & { run_id: string }) | null;
  /** Before the run is sent (stores the edits being run). */
  beforeRun?: () => Promise<void>;
  /** After every run (code may have written files). */
  onDone?: () => void;
}

const POLL_MS = 400;

/**
 * One run at a time against the session, with Cancel; the server records each run as it starts
 * and its result as it ends, so a run started before a reload is picked up: shown running,
 * cancellable, and its result shown with the code it ran.
 */
export function useCodeRun({ sessionId, backend, tool, language, canRun, code, initialResult, initialResultCode, inFlight, beforeRun, onDone }: CodeRunOptions) {
  const [runId, setRunId] = useState<string | null>(inFlight?.run_id ?? null);
  const [cancelling, setCancelling] = useState(false);
  const [result, setResult] = useState<ToolResult | null>(initialResult ?? null);
  const [resultCode, setResultCode] = useState<RanCode | null>(initialResultCode ?? null);
  const [runningCode, setRunningCode] = useState<RanCode | null>(inFlight ?? null);
  const runIdRef = useRef<string | null>(inFlight?.run_id ?? null);

  // The run from before the reload: its result arrives in the workspace, so follow it there.
  const adopted = inFlight?.run_id;
  useEffect(() => {
    if (!adopted) return;
    let stop = false;
    void (async () => {
      while (!stop && runIdRef.current === adopted) {
        const res = await fetch(`/api/editor/workspaces/${encodeURIComponent(sessionId)}`, { cache: "no-store" }).catch(() => null);
        const w = res?.ok ? ((await res.json().catch(() => null)) as Workspace | null) : null;
        if (stop) return;
        if (w && w.running?.run_id !== adopted) {
          setResult((w.result as ToolResult | null) ?? null);
          setResultCode(w.result_code ?? null);
          runIdRef.current = null;
          setRunId(null);
          setRunningCode(null);
          setCancelling(false);
          onDone?.();
          return;
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    })();
    return () => {
      stop = true;
    };
    // Once, for the run the page was loaded with.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [adopted, sessionId]);

  const run = useCallback(async () => {
    if (runIdRef.current !== null || !canRun || tool === "notebook") return;
    const id = newRunId();
    runIdRef.current = id;
    const source = code();
    const ran: RanCode = { code: source, tool, ...(tool === "code" ? { language } : {}) };
    try {
      await beforeRun?.();
      setRunId(id);
      setRunningCode(ran);
      setCancelling(false);
      const r = await runCodeRecorded({ sessionId, backend, tool, code: source, runId: id, ...(tool === "code" ? { language } : {}) });
      setResult(r);
      setResultCode(ran);
    } catch (e) {
      // The action itself never throws; this is the network or the server going away.
      setResult({ tool_name: tool, status: "error", output: "", error: unreachable(e), duration_ms: 0 });
      setResultCode(ran);
    } finally {
      runIdRef.current = null;
      setRunId(null);
      setRunningCode(null);
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

  const live = useLiveOutput(runId);
  return { running: runId !== null, cancelling, result, resultCode, runningCode, run, cancel, live };
}
