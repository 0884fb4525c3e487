"use client";

import { readNdjson } from "@/lib/http/read-ndjson";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ApiKeyState, ChatRun, ChatSession } from "@/lib/rollout/chat-sessions";
import { backendFidelity } from "@/lib/rollout/models/types";
import type { ChatSettings } from "@/lib/rollout/settings";
import { applyEvent, type RolloutEvent, type RolloutRecord, type RolloutStatus } from "@/lib/rollout/transcript";
import type { BackendAvailability } from "@/lib/sandbox/types";
import { fetchModels, saveSettings, setApiKey } from "@/app/(playground)/chat/actions";
import type { RunStartedLine, StartRolloutInput } from "@/app/api/rollouts/schema";
import { RewardCard } from "@/components/reward/reward-card";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/spinner";
import { Markdown } from "./markdown";
import { RawView } from "./raw-view";
import { SettingsPanel } from "./settings-panel";
import { TokenView } from "./token-view";
import { TurnView } from "./turn-view";

export interface ChatWorkbenchProps {
  session: ChatSession;
  initialRunId?: string;
  apiKey: ApiKeyState;
  sandboxes: BackendAvailability[];
  /** Runs still executing on the server (re-attach after a reload). */
  liveRunIds: string[];
}

const statusTone: Record<RolloutStatus, BadgeTone> = { completed: "green", truncated: "amber", aborted: "red" };
type View = "transcript" | "raw" | "tokens";

function setUrl(sessionId: string, runId: string | null) {
  const u = new URL(window.location.href);
  u.search = "";
  u.searchParams.set("session", sessionId);
  if (runId) u.searchParams.set("run", runId);
  window.history.replaceState(window.history.state, "", u.toString());
}

export function ChatWorkbench({ session, initialRunId, apiKey: initialKey, sandboxes, liveRunIds }: ChatWorkbenchProps) {
  const [settings, setSettings] = useState<ChatSettings>(session.settings);
  const [runs, setRuns] = useState<ChatRun[]>(session.runs);
  const [selected, setSelected] = useState<string | null>(initialRunId ?? session.runs.at(-1)?.id ?? null);
  const [streaming, setStreaming] = useState<string | null>(null);
  const [view, setView] = useState<View>("transcript");
  const [startError, setStartError] = useState<string | null>(null);
  const [apiKey, setApiKeyState] = useState<ApiKeyState>(initialKey);
  const settingsDirty = useRef(false);

  const updateRun = useCallback((id: string, f: (r: ChatRun) => ChatRun) => {
    setRuns((rs) => rs.map((r) => (r.id === id ? f(r) : r)));
  }, []);

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
            setSelected(run.id);
            setUrl(session.id, run.id);
            setStreaming(run.id);
            continue;
          }
          const e = line as RolloutEvent;
          const id = runId;
          updateRun(id, (r) => ({ ...r, record: applyEvent(e.type === "start" ? null : r.record, e) }));
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
    [session.id, updateRun],
  );

  const start = useCallback(
    async (body: StartRolloutInput) => {
      setStartError(null);
      let res: Response;
      try {
        res = await fetch("/api/rollouts", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      } catch {
        setStartError("Could not reach the playground server.");
        return;
      }
      if (!res.ok || !res.body) {
        const err = (await res.json().catch(() => null)) as { message?: string } | null;
        setStartError(err?.message ?? `The run could not start (HTTP ${res.status}).`);
        return;
      }
      const runSettings = body.from ? (runs.find((r) => r.id === body.from!.run_id)?.settings ?? settings) : settings;
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
    [pump, runs, settings],
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

  // Persist settings edits so a reload keeps them.
  useEffect(() => {
    if (!settingsDirty.current) return;
    const t = setTimeout(() => void saveSettings({ session_id: session.id, settings }), 500);
    return () => clearTimeout(t);
  }, [settings, session.id]);

  const current = runs.find((r) => r.id === selected) ?? null;
  const record = current?.record ?? null;
  const parentRun = current?.parent ? runs.find((r) => r.id === current.parent!.run_id) ?? null : null;
  const isLive = current !== null && streaming === current.id;
  const busy = streaming !== null;

  const stop = async () => {
    if (streaming) await fetch(`/api/rollouts/${streaming}/stop`, { method: "POST" });
  };

  const rerunText = (turn: number, text: string) => {
    if (current) void start({ session_id: session.id, from: { run_id: current.id, turn, text } });
  };
  const rerunCode = (turn: number, callIndex: number, code: string) => {
    if (current) void start({ session_id: session.id, from: { run_id: current.id, turn, code, call_index: callIndex } });
  };

  const versionKey = useMemo(() => `${record?.turns.length ?? 0}:${record?.status ?? ""}`, [record]);

  return (
    <div className="flex min-h-0 flex-1 flex-col lg:flex-row">
      <aside className="flex w-full shrink-0 flex-col gap-3 overflow-y-auto border-b border-zinc-200 bg-zinc-50 p-4 lg:w-80 lg:border-b-0 lg:border-r">
        <div className="flex gap-2">
          <Button
            variant="primary"
            data-testid="run-button"
            disabled={busy}
            onClick={() => void start({ session_id: session.id, settings })}
          >
            {busy ? <Spinner /> : null} Run rollout
          </Button>
          <Button variant="danger" data-testid="stop-button" disabled={!busy} onClick={() => void stop()}>
            Stop
          </Button>
        </div>
        {startError && (
          <p data-testid="start-error" className="text-sm text-red-700">
            {startError}
          </p>
        )}
        <SettingsPanel
          value={settings}
          onChange={(s) => {
            settingsDirty.current = true;
            setSettings(s);
          }}
          disabled={busy}
          apiKey={apiKey}
          onSetApiKey={async (key) => {
            const r = await setApiKey({ session_id: session.id, api_key: key });
            if (r.ok) setApiKeyState(r.value);
          }}
          onFetchModels={async () => {
            const r = await fetchModels({ session_id: session.id, endpoint: settings.endpoint });
            return r.ok ? { models: r.value } : { error: r.error };
          }}
          sandboxes={sandboxes}
          {...(session.replay ? { recordedName: session.replay.name } : {})}
        />
      </aside>

      <section className="flex min-w-0 flex-1 flex-col gap-3 overflow-y-auto p-4" data-testid="chat-main">
        {runs.length > 0 && (
          <nav className="flex flex-wrap gap-1" aria-label="Runs">
            {runs.map((r) => (
              <button
                key={r.id}
                type="button"
                data-testid="run-tab"
                data-n={r.n}
                data-selected={r.id === selected ? "true" : "false"}
                onClick={() => {
                  setSelected(r.id);
                  setUrl(session.id, r.id);
                }}
                className={cn(
                  "rounded-md px-2 py-1 text-xs ring-1 ring-inset",
                  r.id === selected ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-zinc-700 ring-zinc-300 hover:bg-zinc-100",
                )}
              >
                Run {r.n}
                {r.parent && ` (edit of run ${runs.find((p) => p.id === r.parent!.run_id)?.n ?? "?"}, turn ${r.parent.turn + 1})`}
                {r.record?.reward?.score !== undefined && r.record.reward.score !== null && ` · ${r.record.reward.score}`}
              </button>
            ))}
          </nav>
        )}

        {!current && (
          <div data-testid="chat-empty" className="rounded-lg border border-dashed border-zinc-300 p-6 text-sm text-zinc-600">
            <p className="mb-2 font-medium text-zinc-900">Watch a ReTool rollout, turn by turn.</p>
            <p>
              {settings.endpoint.kind === "replay"
                ? "The default backend replays a recorded trajectory and runs its Python live in the sandbox; no model server is needed. Press Run rollout."
                : "Press Run rollout to generate with the configured model server."}
            </p>
          </div>
        )}

        {current && (
          <>
            <header className="flex flex-wrap items-center gap-2 text-sm">
              {record?.status ? (
                <Badge tone={statusTone[record.status]} data-testid="run-status">
                  {record.status}
                </Badge>
              ) : (
                <Badge tone="blue" data-testid="run-status">
                  running
                </Badge>
              )}
              {isLive && <Spinner />}
              {record && (
                <>
                  <span className="text-zinc-600">
                    backend <span className="font-mono">{record.backend}</span>
                  </span>
                  <Badge tone={record.fidelity === "approximate" ? "amber" : "zinc"} data-testid="run-fidelity">
                    {record.fidelity === "exact" ? "exact ReTool prompt" : record.fidelity === "replay" ? "replay" : "approximate to training"}
                  </Badge>
                  <span className="text-zinc-600" data-testid="run-tool-calls">
                    tool calls: {record.status ? record.tool_call_count : record.turns.reduce((n, t) => n + t.tool_calls.length, 0)}
                  </span>
                  <span className="text-zinc-600" data-testid="run-token-counts">
                    tokens:{" "}
                    {record.prompt_token_count +
                      record.turns.reduce((n, t) => n + (t.finish_reason === "abort" ? 0 : t.token_count) + (t.observation?.token_count ?? 0), 0)}
                    {record.token_counts === "approximate" ? " (approximate)" : ""} / {record.max_context_len}
                  </span>
                </>
              )}
              <div className="ml-auto flex gap-1" role="tablist">
                {(["transcript", "raw", "tokens"] as const).map((v) => (
                  <Button key={v} size="sm" variant={view === v ? "primary" : "secondary"} data-testid={`view-${v}`} onClick={() => setView(v)}>
                    {v === "transcript" ? "Transcript" : v === "raw" ? "Raw text" : "Tokens"}
                  </Button>
                ))}
              </div>
            </header>

            {record?.error && (
              <div data-testid="run-error" data-code={record.error.code} className="rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-900">
                <p className="font-medium">{record.error.message}</p>
                <p className="text-xs text-red-700">
                  {record.error.code}
                  {record.error.detail ? ` · ${record.error.detail}` : ""} · the transcript so far is kept below.
                </p>
              </div>
            )}
            {record?.notices.map((n, i) => (
              <p key={i} className="rounded bg-amber-50 p-2 text-xs text-amber-900" data-testid="run-notice">
                {n}
              </p>
            ))}

            {record && view === "raw" && <RawView record={record} />}
            {record && view === "tokens" && <TokenView sessionId={session.id} runId={current.id} version={versionKey} />}
            {record && view === "transcript" && (
              <div data-testid="transcript" className="flex flex-col gap-3">
                <article className="rounded-lg border border-zinc-200 bg-zinc-100 p-3">
                  <header className="mb-1 text-xs font-semibold text-zinc-700">
                    User · label <span className="font-mono">{record.label || "(none)"}</span>
                  </header>
                  <Markdown text={record.prompt} />
                </article>
                {record.turns.map((t, i) => {
                  const original =
                    current.parent && parentRun?.record && t.index === current.parent.turn
                      ? parentRun.record.turns.find((p) => p.index === t.index)
                      : undefined;
                  return (
                    <TurnView
                      key={`${current.id}:${t.index}`}
                      turn={t}
                      live={isLive && i === record.turns.length - 1 && !t.observation}
                      canEdit={!busy && Boolean(record.status)}
                      onRerunText={rerunText}
                      onRerunCode={rerunCode}
                      mode={record.mode}
                      {...(original ? { original } : {})}
                    />
                  );
                })}
                {record.pending && (
                  <article data-testid="turn-pending" className="rounded-lg border border-indigo-200 bg-white p-3">
                    <header className="mb-1 flex items-center gap-2 text-xs text-zinc-600">
                      <Spinner /> Assistant · turn {record.pending.index + 1} (generating)
                    </header>
                    <pre className="whitespace-pre-wrap break-words font-sans text-sm">{record.pending.text}</pre>
                  </article>
                )}
                {record.reward && <RewardCard reward={record.reward} label={record.label} compareTo={parentRun?.record?.reward ?? null} />}
                {record.status && !record.reward && (
                  <p className="text-xs text-zinc-500" data-testid="reward-none">
                    {record.status === "aborted" ? "No reward: the rollout was aborted (slime does not score aborted samples)." : "No reward type selected."}
                  </p>
                )}
              </div>
            )}
            {!record && <p className="text-sm text-zinc-500">Starting…</p>}
          </>
        )}
        {settings.endpoint.kind !== "replay" && backendFidelity[settings.endpoint.kind] === "approximate" && !current && (
          <p className="text-xs text-amber-800">Chat mode is approximate to training.</p>
        )}
      </section>
    </div>
  );
}

export type { RolloutRecord };
