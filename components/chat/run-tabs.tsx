"use client";

import type { ChatRun } from "@/lib/rollout/chat-session-schema";
import { cn } from "@/components/ui/cn";

function score(r: ChatRun): number | null {
  return r.record?.reward?.score ?? null;
}

/** A run tab's tooltip: what the run is, how it ended and its reward. */
export function runTitle(r: ChatRun, runs: ChatRun[]): string {
  const parts = [`Run ${r.n}`];
  if (r.parent) parts.push(`edit of run ${runs.find((p) => p.id === r.parent!.run_id)?.n ?? "?"} at turn ${r.parent.turn + 1} (${r.parent.what === "code" ? "tool call code" : "turn text"})`);
  const rec = r.record;
  parts.push(rec?.status ?? (r.state === "running" ? "running" : "no record"));
  if (rec?.reward) parts.push(rec.reward.score === null ? `reward ${rec.reward.type}: no score` : `reward score ${rec.reward.score} (${rec.reward.type})`);
  if (rec) parts.push(`${rec.tool_call_count} tool call${rec.tool_call_count === 1 ? "" : "s"}`);
  parts.push(`started ${new Date(r.created_at).toLocaleString()}`);
  return parts.join(" · ");
}

/** One tab per run of the session. */
export function RunTabs({ runs, selected, onSelect }: { runs: ChatRun[]; selected: string | null; onSelect: (id: string) => void }) {
  if (runs.length === 0) return null;
  return (
    <nav className="flex flex-wrap gap-1" aria-label="Runs">
      {runs.map((r) => {
        const s = score(r);
        return (
          <button
            key={r.id}
            type="button"
            data-testid="run-tab"
            data-n={r.n}
            data-selected={r.id === selected ? "true" : "false"}
            title={runTitle(r, runs)}
            onClick={() => onSelect(r.id)}
            className={cn(
              "rounded-md px-2 py-1 text-xs ring-1 ring-inset",
              r.id === selected ? "bg-indigo-600 text-white ring-indigo-600" : "bg-white text-zinc-700 ring-zinc-300 hover:bg-zinc-100",
            )}
          >
            Run {r.n}
            {r.parent && ` (edit of run ${runs.find((p) => p.id === r.parent!.run_id)?.n ?? "?"}, turn ${r.parent.turn + 1})`}
            {s !== null && <span data-testid="run-tab-score"> · score {s}</span>}
          </button>
        );
      })}
    </nav>
  );
}
