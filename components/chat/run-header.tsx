"use client";

import type { RolloutRecord, RolloutStatus } from "@/lib/rollout/transcript";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { AgentSessionLink } from "./agent-session-link";

const fidelityText: Record<RolloutRecord["fidelity"], string> = {
  exact: "exact ReTool prompt",
  replay: "replay",
  approximate: "approximate to training",
  agent: "trained as an agent session",
};

const statusTone: Record<RolloutStatus, BadgeTone> = { completed: "green", truncated: "amber", aborted: "red" };
export type RunViewMode = "transcript" | "raw" | "tokens";

/** Status, backend, fidelity and counts of the run being viewed, and the view switch. */
export function RunHeader({ record, live, view, onView }: { record: RolloutRecord | null; live: boolean; view: RunViewMode; onView: (v: RunViewMode) => void }) {
  return (
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
      {live && <Spinner />}
      {record && (
        <>
          <span className="text-zinc-600">
            backend <span className="font-mono">{record.backend}</span>
          </span>
          <Badge tone={record.fidelity === "approximate" ? "amber" : "zinc"} data-testid="run-fidelity">
            {fidelityText[record.fidelity]}
          </Badge>
          {record.agent_session && <AgentSessionLink sid={record.agent_session} />}
          <span className="text-zinc-600" data-testid="run-tool-calls">
            tool calls: {record.status ? record.tool_call_count : record.turns.reduce((n, t) => n + t.tool_calls.length, 0)}
          </span>
          <span className="text-zinc-600" data-testid="run-token-counts">
            tokens:{" "}
            {record.prompt_token_count +
              record.turns.reduce((n, t) => n + (t.finish_reason === "abort" ? 0 : t.token_count) + (t.observation?.token_count ?? 0), 0)}
            {record.token_counts === "approximate" ? " (approximate)" : ""} / {record.max_context_len}
            <span className="text-zinc-500">
              {" "}
              (prompt <span data-testid="run-prompt-tokens">{record.prompt_token_count}</span>)
            </span>
          </span>
        </>
      )}
      <div className="ml-auto flex gap-1" role="tablist">
        {(["transcript", "raw", "tokens"] as const).map((v) => (
          <Button key={v} size="sm" variant={view === v ? "primary" : "secondary"} data-testid={`view-${v}`} onClick={() => onView(v)}>
            {v === "transcript" ? "Transcript" : v === "raw" ? "Raw text" : "Tokens"}
          </Button>
        ))}
      </div>
    </header>
  );
}
