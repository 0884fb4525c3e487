"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { readErrorEnvelope } from "@/lib/errors";
import { readNdjson } from "@/lib/http/read-ndjson";
import type { ChatRun } from "@/lib/rollout/chat-session-schema";
import type { ChatSettings } from "@/lib/rollout/settings";
import { applyEvent, type RolloutEvent } from "@/lib/rollout/transcript";
import type { RunStartedLine, StartRolloutInput } from "@/app/api/rollouts/schema";

function setUrl(sessionId: string, runId: string | null) {
  const u = new URL(window.location.href);
  // A hand-off's parameters go; the chosen view stays (presenting and its turn belong to one run).
  const view = u.searchParams.get("view");
  u.search = "";
  u.searchParams.set("session", sessionId);
  if (runId) u.searchParams.set("run", runId);
  if (view) u.searchParams.set("view", view);
  window.history.replaceState(window.history.state, "", u.toString());
}

export interface RolloutsOptions {
  sessionId: string;
  initialRuns: ChatRun[];
  initialRunId?: string;
  /** Runs still executing on the server: re-attached on mount (after a reload). */
  liveRunIds: string[];
}

/** The session's runs: starting one (/api/rollouts), pumping its NDJSON stream into its record, Stop. */
export function useRollouts({ sessionId, initialRuns, initialRunId, liveRunIds }: RolloutsOptions) {
  const [runs, setRuns] = useState<ChatRun[]>(initialRuns);
  const [selected, setSelected] = useState<string | null>(initialRunId ?? initialRuns.at(-1)?.id ?? null);
  const [streaming, setStreaming] = useState<string | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const runsRef = useRef(runs);
  useEffect(() => {
    runsRef.current = runs;
  }, [runs]);

  const updateRun = useCallback((id: string, f: (r: ChatRun) => ChatRun) => {
    setRuns((rs) => rs.map((r) => (r.id === id ? f(r) : r)));
  }, []);

  const select = useCallback(
    (id: string) => {
      setSelected(id);
      setUrl(sessionId, id);
    },
    [sessionId],
  );

  /** Feeds a run's NDJSON stream into its record. `newRun` reads the first line (the run's id) first. */
  const pump = useCallback(
    async (res: Response, known: string | null, newRun?: (head: RunStartedLine) => ChatRun) => {
      let runId = known;
      if (runId) setStreaming(runId);
      try {
        for await (const line of readNdjson(res)) {
          if (runId === null) {
            const head = line as RunStartedLine;
            if (head.type !== "run" || !newRun) throw new Error("unexpected stream");
            const run = newRun(head);
            runId = run.id;
            setRuns((rs) => [...rs, run]);
            select(run.id);
            setStreaming(run.id);
            continue;
          }
          const e = line as RolloutEvent;
          updateRun(runId, (r) => ({ ...r, record: applyEvent(e.type === "start" ? null : r.record, e) }));
        }
      } catch {
        // The connection dropped; the run carries on on the server and its saved record stays reachable.
      } finally {
        const id = runId;
        if (id) {
          updateRun(id, (r) => ({ ...r, state: "done" }));
          setStreaming((cur) => (cur === id ? null : cur));
        }
      }
    },
    [select, updateRun],
  );

  /** Starts a run; `settings` are recorded with it (a re-run from a turn keeps its parent's). */
  const start = useCallback(
    async (body: StartRolloutInput, settings: ChatSettings) => {
      setStartError(null);
      let res: Response;
      try {
        res = await fetch("/api/rollouts", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      } catch {
        setStartError("Could not reach the playground server.");
        return;
      }
      if (!res.ok) {
        const e = await readErrorEnvelope(res);
        // internal:http is readErrorEnvelope's fallback (no envelope): say what failed.
        setStartError(e.code === "internal:http" ? `The run could not start (${e.message}).` : e.message);
        return;
      }
      if (!res.body) {
        setStartError(`The run could not start (HTTP ${res.status}).`);
        return;
      }
      const runSettings = body.from ? (runsRef.current.find((r) => r.id === body.from!.run_id)?.settings ?? settings) : settings;
      await pump(res, null, (head) => ({
        id: head.run.id,
        n: head.run.n,
        created_at: new Date().toISOString(),
        ...(head.run.parent ? { parent: head.run.parent } : {}),
        settings: runSettings,
        state: "running",
        record: null,
      }));
    },
    [pump],
  );

  // After a reload, re-attach to runs still going on the server.
  useEffect(() => {
    for (const id of liveRunIds) {
      void fetch(`/api/rollouts/${id}`).then((res) => {
        if (res.ok && res.body) void pump(res, id);
      });
    }
    // Only on mount.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const stop = async () => {
    if (streaming) await fetch(`/api/rollouts/${streaming}/stop`, { method: "POST" });
  };

  return { runs, selected, select, streaming, busy: streaming !== null, startError, clearStartError: () => setStartError(null), start, stop };
}
