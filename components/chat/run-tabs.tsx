"use client";

import type { ChatRun } from "@/lib/rollout/chat-session-schema";
import { cn } from "@/components/ui/cn";

/** One tab per run of the session. */
export function RunTabs({ runs, selected, onSelect }: { runs: ChatRun[]; selected: string | null; onSelect: (id: string) => void }) {
  if (runs.length === 0) return null;
  return (
    <nav className="flex flex-wrap gap-1" aria-label="Runs">
      {runs.map((r) => (
        <button
          key={r.id}
          type="button"
          data-testid="run-tab"
          data-n={r.n}
          data-selected={r.id === selected ? "true" : "false"}
          onClick={() => onSelect(r.id)}
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
  );
}
