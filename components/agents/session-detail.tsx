"use client";
import { useMemo, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { compactTree } from "@/lib/agent/trajectory";
import { readErrorEnvelope } from "@/lib/errors";
import type { AgentSessionView } from "@/lib/service/agent-proxy/view-types";
import { SamplesView } from "./samples-view";
import { stateTone } from "./session-list";
import { Timeline } from "./timeline";
import { TrajectoryTree } from "./trajectory-tree";
import { usePoll } from "./use-poll";

type Tab = "timeline" | "tree" | "samples";
type ViewState = AgentSessionView;

const keepUnchanged = (prev: ViewState | null, next: unknown): ViewState => ((next as { unchanged?: boolean }).unchanged && prev ? prev : (next as ViewState));

const sinceUpdated = (url: string, prev: ViewState | null) => (prev ? `${url}&since=${prev.session.version}` : url);

export function SessionDetail({ sid, onChanged }: { sid: string; onChanged: () => void }) {
  const [tab, setTab] = useState<Tab>("timeline");
  const [allTurns, setAllTurns] = useState(false);
  const view = usePoll<ViewState>(`/api/agents/${encodeURIComponent(sid)}?turns=${allTurns ? 0 : 100}`, 1000, keepUnchanged, sinceUpdated);
  const [reward, setReward] = useState("1.0");
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const v = view.value;
  // The same tree view as Inspect's agent tab, so the live tree reads like the exported one.
  const tree = useMemo(() => (v?.tree ? compactTree(v.tree) : null), [v?.tree]);

  const act = async (path: string, init: RequestInit) => {
    setBusy(true);
    setActionError(null);
    try {
      const res = await fetch(path, init);
      if (!res.ok) setActionError((await readErrorEnvelope(res)).message);
    } finally {
      setBusy(false);
      view.refresh();
      onChanged();
    }
  };
  const finish = () => {
    const r = Number(reward);
    if (!Number.isFinite(r)) return setActionError("The reward must be a number.");
    void act(`/agent/sessions/${encodeURIComponent(sid)}/finish`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ reward: r }) });
  };
  const drop = () => void act(`/agent/sessions/${encodeURIComponent(sid)}`, { method: "DELETE" });

  if (view.error && !v) return <p className="text-sm text-red-700">{view.error}</p>;
  if (!v) return <p className="text-sm text-zinc-500">Loading…</p>;
  const s = v.session;
  const live = s.state === "live";
  return (
    <div className="flex min-h-0 flex-col gap-2" data-testid="agent-session-detail" data-sid={sid}>
      <div className="flex flex-wrap items-center gap-2 rounded-lg bg-white p-2 text-xs ring-1 ring-zinc-200">
        <span className="font-mono text-sm text-zinc-900" data-testid="agent-session-sid">
          {s.sid}
        </span>
        <Badge tone={stateTone[s.state]} data-testid="agent-session-state">
          {s.state}
        </Badge>
        <span data-testid="agent-session-counts">
          {s.turns} turns · {s.requests} requests · prompt {s.prompt_tokens} + output {s.output_tokens} tokens
        </span>
        {s.errors > 0 && <span className="text-red-700" title={s.last_error}>{s.errors} errors</span>}
        <span className="flex-1" />
        <label className="flex items-center gap-1">
          reward
          <input data-testid="agent-reward" value={reward} onChange={(e) => setReward(e.target.value)} disabled={!live} className="w-16 rounded border border-zinc-300 px-1 py-0.5" />
        </label>
        <Button size="sm" variant="primary" data-testid="agent-finish" disabled={!live || busy} onClick={finish} title={live ? "Close the session and compute its Samples" : `The session is ${s.state}`}>
          Finish
        </Button>
        <Button size="sm" variant="danger" data-testid="agent-drop" disabled={s.state === "dropped" || busy} onClick={drop}>
          Drop
        </Button>
        {v.samples_final ? (
          <a data-testid="agent-export" className="rounded-md border border-zinc-300 bg-white px-2 py-1 font-medium text-zinc-800 hover:bg-zinc-100" href={`/agent/sessions/${encodeURIComponent(sid)}/samples.jsonl`} download>
            Export JSONL
          </a>
        ) : (
          <span className="text-zinc-400" title="Samples are final once the session is finished">
            Export JSONL (finish first)
          </span>
        )}
      </div>
      {actionError && <p className="text-xs text-red-700">{actionError}</p>}
      <div className="flex gap-1 text-xs">
        {(["timeline", "tree", "samples"] as Tab[]).map((t) => (
          <button
            key={t}
            data-testid={`agent-tab-${t}`}
            onClick={() => setTab(t)}
            className={cn("rounded border px-2 py-0.5", tab === t ? "border-indigo-400 bg-indigo-50" : "border-zinc-300 bg-white")}
          >
            {t === "timeline" ? `Timeline (${v.turns.length + v.turns_omitted} turns, ${v.sandbox_calls.length} sandbox calls)` : t === "tree" ? "Message tree" : `Samples (${v.samples.length}${v.samples_final ? "" : ", preview"})`}
          </button>
        ))}
      </div>
      <div className="min-h-0 flex-1 overflow-auto">
        {tab === "timeline" && <Timeline sid={sid} turns={v.turns} omitted={v.turns_omitted} onShowAll={() => setAllTurns(true)} calls={v.sandbox_calls} />}
        {tab === "tree" && (tree ? <TrajectoryTree tree={tree} /> : <p className="text-xs text-zinc-500">No recorded turns yet.</p>)}
        {tab === "samples" && <SamplesView sid={sid} samples={v.samples} final={v.samples_final} />}
      </div>
    </div>
  );
}
