"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ApiKeyState, ChatSession } from "@/lib/rollout/chat-session-schema";
import { backendFidelity } from "@/lib/rollout/models/types";
import type { BackendAvailability } from "@/lib/sandbox/types";
import { rememberChatSession } from "@/lib/workspace/cookie";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { PromptTemplates } from "./prompt-templates";
import { RawView } from "./raw-view";
import { RunHeader, type RunViewMode } from "./run-header";
import { RunSettingsView } from "./run-settings-view";
import { RunTabs } from "./run-tabs";
import { SettingsPanel } from "./settings-panel";
import { RunTokenView } from "@/components/tokens/run-token-view";
import { Transcript } from "./transcript";
import { useChatSettings } from "./use-chat-settings";
import { RunPresenting } from "./run-presenting";
import { RunShareBar } from "./run-share-bar";
import { useChatViewUrl } from "./use-chat-view-url";
import { useRollouts } from "./use-rollouts";

export interface ChatWorkbenchProps {
  session: ChatSession;
  initialRunId?: string;
  apiKey: ApiKeyState;
  sandboxes: BackendAvailability[];
  /** Runs still executing on the server (re-attach after a reload). */
  liveRunIds: string[];
}

export function ChatWorkbench({ session, initialRunId, apiKey: initialKey, sandboxes, liveRunIds }: ChatWorkbenchProps) {
  const form = useChatSettings(session.id, session.settings, initialKey);
  const { settings } = form;
  const rollouts = useRollouts({ sessionId: session.id, initialRuns: session.runs, ...(initialRunId ? { initialRunId } : {}), liveRunIds });
  const { runs, busy } = rollouts;
  // View, presenting and its turn live in the URL (a copied link opens the same view).
  const [viewUrl, setViewUrl] = useChatViewUrl();
  const view = viewUrl.view;
  const setView = (v: RunViewMode) => setViewUrl({ view: v });
  // The aside shows the viewed run's settings (read-only) unless the person asked for the form.
  const [editing, setEditing] = useState(false);

  const current = runs.find((r) => r.id === rollouts.selected) ?? null;
  const record = current?.record ?? null;
  const parentRun = current?.parent ? (runs.find((r) => r.id === current.parent!.run_id) ?? null) : null;
  const isLive = current !== null && rollouts.streaming === current.id;

  // Stable while a run streams (they depend on its id, not its record), so finished turns are
  // not rendered again on every event.
  const currentId = current?.id ?? null;
  const { start } = rollouts;
  // Read through a ref so typing in the settings form does not re-render every turn.
  const settingsRef = useRef(settings);
  settingsRef.current = settings;
  const rerunText = useCallback(
    (turn: number, text: string) => {
      if (currentId) void start({ session_id: session.id, from: { run_id: currentId, turn, text } }, settingsRef.current);
    },
    [currentId, start, session.id],
  );
  const rerunCode = useCallback(
    (turn: number, callIndex: number, code: string) => {
      if (currentId)
        void start({ session_id: session.id, from: { run_id: currentId, turn, code, call_index: callIndex } }, settingsRef.current);
    },
    [currentId, start, session.id],
  );

  const startFresh = useCallback(() => {
    if (busy) return;
    setEditing(false);
    void start({ session_id: session.id, settings }, settings);
  }, [busy, start, session.id, settings]);

  useEffect(() => rememberChatSession(session.id), [session.id]);

  // Ctrl/Cmd+Enter starts a rollout (not while editing a turn or a tool call: that has its own button).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.key !== "Enter") return;
      if (e.target instanceof Element && e.target.closest('[data-testid="transcript"]')) return;
      e.preventDefault();
      startFresh();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [startFresh]);

  const showForm = editing || !current;
  // A model error (a bad URL) is about the run's endpoint: once the form names another, it is history.
  const staleModelError =
    showForm &&
    current !== null &&
    Boolean(record?.error?.code.endsWith(":model")) &&
    (settings.endpoint.url !== current.settings.endpoint.url || settings.endpoint.kind !== current.settings.endpoint.kind);
  const selectRun = (id: string) => {
    setEditing(false);
    rollouts.select(id);
    setViewUrl({ present: false, turn: 0 });
  };
  const changeSettings = (s: typeof settings) => {
    // An error about the old settings (a bad URL) no longer applies.
    rollouts.clearStartError();
    form.setSettings(s);
  };

  const versionKey = useMemo(() => `${record?.turns.length ?? 0}:${record?.status ?? ""}`, [record]);

  // Presenting: the run alone, no editing chrome (the settings, Run and edit controls are not rendered).
  if (viewUrl.present && current?.record)
    return (
      <RunPresenting
        sessionId={session.id}
        run={current}
        turn={viewUrl.turn}
        onTurn={(turn) => setViewUrl({ turn })}
        onExit={() => setViewUrl({ present: false, turn: 0 })}
      />
    );

  return (
    <div className="flex min-h-0 flex-1 flex-col lg:flex-row">
      {/* Sticky: with a long transcript the page scrolls, and Run, Stop and the settings stay on screen. */}
      <aside className="flex w-full shrink-0 flex-col gap-3 overflow-y-auto border-b border-zinc-200 bg-zinc-50 p-4 lg:sticky lg:top-0 lg:max-h-screen lg:w-80 lg:self-start lg:border-b-0">
        <div className="flex gap-2">
          <Button variant="primary" data-testid="run-button" disabled={busy} onClick={startFresh} title="Ctrl/⌘+Enter">
            {busy ? <Spinner /> : null} Run rollout
          </Button>
          <Button variant="danger" data-testid="stop-button" disabled={!busy} onClick={() => void rollouts.stop()}>
            Stop
          </Button>
          <a
            href="/chat?new=1"
            data-testid="chat-new-session"
            className="ml-auto self-center text-xs text-zinc-500 underline decoration-dotted hover:text-zinc-800"
            title="Start a new chat session (this one stays reachable by its URL)"
          >
            New session
          </a>
        </div>
        {rollouts.startError && (
          <p data-testid="start-error" className="text-sm text-red-700">
            {rollouts.startError}
          </p>
        )}
        {showForm ? (
          <>
            {current && (
              <button
                type="button"
                data-testid="settings-back-to-run"
                onClick={() => setEditing(false)}
                className="self-start text-xs text-zinc-500 underline decoration-dotted hover:text-zinc-800"
              >
                Show the settings of run {current.n}
              </button>
            )}
            <SettingsPanel
              value={settings}
              onChange={changeSettings}
              disabled={busy}
              apiKey={form.apiKey}
              onSetApiKey={(key) => void form.updateApiKey(key)}
              onFetchModels={form.listModels}
              sandboxes={sandboxes}
              {...(session.replay ? { recordedName: session.replay.name } : {})}
            />
          </>
        ) : (
          <RunSettingsView
            run={current}
            disabled={busy}
            onEdit={() => {
              changeSettings(current.settings);
              setEditing(true);
            }}
            onNewForm={() => setEditing(true)}
          />
        )}
      </aside>

      <section className="flex min-w-0 flex-1 flex-col gap-3 overflow-y-auto p-4 lg:border-l lg:border-zinc-200" data-testid="chat-main">
        <RunTabs runs={runs} selected={rollouts.selected} onSelect={selectRun} />
        {session.replay?.from_turn !== undefined && (
          <p data-testid="chat-handoff-banner" className="rounded-md bg-indigo-50 px-3 py-1.5 text-xs text-indigo-900">
            Opened from {session.replay.name} at turn {session.replay.from_turn + 1} of {session.replay.turns.length}. The recorded replay plays every turn (its
            code runs live); with a live model backend, turns 1–{session.replay.from_turn + 1} are replayed as recorded and the model continues from there.
          </p>
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
            <RunHeader record={record} live={isLive} view={view} onView={setView} />
            <RunShareBar sessionId={session.id} run={current} onPresent={() => setViewUrl({ present: true, turn: 0 })} />

            {record?.error &&
              (staleModelError ? (
                <p data-testid="run-error-stale" className="rounded-md border border-zinc-200 bg-zinc-50 p-2 text-xs text-zinc-600">
                  Run {current.n} failed on its model endpoint ({current.settings.endpoint.url || "none"}): {record.error.message} The settings
                  now name another endpoint; run again to try it.
                </p>
              ) : (
                <div data-testid="run-error" data-code={record.error.code} className="rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-900">
                  <p className="font-medium">{record.error.message}</p>
                  <p className="text-xs text-red-700">
                    {record.error.code}
                    {record.error.detail ? ` · ${record.error.detail}` : ""} · the transcript so far is kept below.
                  </p>
                </div>
              ))}
            {record?.notices.map((n, i) => (
              <p key={i} className="rounded bg-amber-50 p-2 text-xs text-amber-900" data-testid="run-notice">
                {n}
              </p>
            ))}

            {record && view === "raw" && <PromptTemplates sessionId={session.id} runId={current.id} />}
            {record && view === "raw" && <RawView record={record} />}
            {record && view === "tokens" && <RunTokenView sessionId={session.id} runId={current.id} version={versionKey} />}
            {record && view === "transcript" && (
              <Transcript
                run={current}
                parentRun={parentRun}
                live={isLive}
                canEdit={!busy && Boolean(record.status)}
                onRerunText={rerunText}
                onRerunCode={rerunCode}
              />
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
