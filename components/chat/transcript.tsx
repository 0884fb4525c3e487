"use client";

import type { ChatRun } from "@/lib/rollout/chat-session-schema";
import { RewardCard } from "@/components/reward/reward-card";
import { Spinner } from "@/components/ui/spinner";
import { Markdown } from "./markdown";
import { TurnView } from "./turn-view";

export interface TranscriptProps {
  run: ChatRun;
  /** The run this one was edited from, if any. */
  parentRun: ChatRun | null;
  live: boolean;
  canEdit: boolean;
  onRerunText: (turn: number, text: string) => void;
  onRerunCode: (turn: number, callIndex: number, code: string) => void;
}

/** The prompt, every turn with its tool calls and observation, then the reward. */
export function Transcript({ run, parentRun, live, canEdit, onRerunText, onRerunCode }: TranscriptProps) {
  const record = run.record!;
  // A replayed run edited at turn k: the turns after k are the recording's text, written for the
  // old output, and may not fit what the edited code printed.
  const editedAt = run.parent && record.fidelity === "replay" ? run.parent.turn : null;
  const replayedAfter = editedAt !== null && record.turns.some((t) => t.index > editedAt);
  return (
    <div data-testid="transcript" className="flex flex-col gap-3">
      {replayedAfter && (
        <p data-testid="replay-after-edit-note" className="rounded-md border border-amber-300 bg-amber-50 p-2 text-xs text-amber-950">
          This run was edited at turn {editedAt + 1}. The turns after it are the recorded text replayed as it was: it may not match the new
          output. Choose a live model backend in the settings (Edit and re-run) to let a model continue instead.
        </p>
      )}
      <article className="rounded-lg border border-zinc-200 bg-zinc-100 p-3">
        <header className="mb-1 text-xs font-semibold text-zinc-700">
          User · label <span className="font-mono">{record.label || "(none)"}</span>
        </header>
        <Markdown text={record.prompt} />
      </article>
      {record.turns.map((t, i) => {
        const original =
          run.parent && parentRun?.record && t.index === run.parent.turn ? parentRun.record.turns.find((p) => p.index === t.index) : undefined;
        return (
          <TurnView
            key={`${run.id}:${t.index}`}
            turn={t}
            live={live && i === record.turns.length - 1 && !t.observation}
            canEdit={canEdit}
            onRerunText={onRerunText}
            onRerunCode={onRerunCode}
            mode={record.mode}
            recordedAfterEdit={editedAt !== null && t.index > editedAt}
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
      {record.reward && (
        <RewardCard reward={record.reward} label={record.label} compareTo={parentRun?.record?.reward ?? null} toolCallCount={record.tool_call_count} />
      )}
      {record.status && !record.reward && (
        <p className="text-xs text-zinc-500" data-testid="reward-none">
          {record.status === "aborted" ? "No reward: the rollout was aborted (slime does not score aborted samples)." : "No reward type selected."}
        </p>
      )}
    </div>
  );
}
