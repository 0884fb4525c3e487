"use client";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import type { AgentSessionState, AgentSessionSummary } from "@/lib/service/agent-proxy/session-types";

export const stateTone: Record<AgentSessionState, BadgeTone> = { live: "green", finished: "blue", dropped: "zinc" };

export function SessionList({ sessions, selected, onSelect, loaded }: { sessions: AgentSessionSummary[]; selected: string | null; onSelect: (sid: string) => void; loaded: boolean }) {
  if (loaded && !sessions.length) return <p className="text-xs text-zinc-500" data-testid="agent-sessions-empty">No sessions yet.</p>;
  return (
    <ul className="flex min-h-0 flex-col gap-1 overflow-auto" data-testid="agent-session-list">
      {sessions.map((s) => (
        <li key={s.sid}>
          <button
            data-testid="agent-session-row"
            data-sid={s.sid}
            onClick={() => onSelect(s.sid)}
            className={cn("w-full rounded-md px-2 py-1.5 text-left text-xs ring-1", selected === s.sid ? "bg-indigo-50 ring-indigo-300" : "bg-white ring-zinc-200 hover:bg-zinc-50")}
          >
            <div className="flex items-center gap-1.5">
              <span className="min-w-0 flex-1 truncate font-mono text-zinc-900" title={s.sid}>
                {s.sid}
              </span>
              <Badge tone={stateTone[s.state]}>{s.state}</Badge>
            </div>
            <div className="mt-0.5 text-zinc-600">
              {s.turns} turns · {s.prompt_tokens + s.output_tokens} tokens{s.inflight ? ` · ${s.inflight} running` : ""}
              {s.errors ? <span className="text-red-700"> · {s.errors} errors</span> : null}
              {s.ill_formed ? <span className="text-amber-800"> · {s.ill_formed} ill-formed</span> : null}
            </div>
            <div className="text-zinc-400">{new Date(s.created).toLocaleTimeString()} · {s.apis.join(", ") || "—"}</div>
          </button>
        </li>
      ))}
    </ul>
  );
}
