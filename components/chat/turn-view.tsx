"use client";

import { memo } from "react";
import type { TurnRecord } from "@/lib/rollout/transcript";
import { Badge } from "@/components/ui/badge";
import { EditButton, RerunEditor, useRerunEdit } from "./rerun-editor";
import { ToolCallCard } from "./tool-call-card";
import { TurnText } from "./turn-text";

export interface TurnViewProps {
  turn: TurnRecord;
  /** This turn is the last one and the run is still going. */
  live: boolean;
  canEdit: boolean;
  onRerunText: (turn: number, text: string) => void;
  onRerunCode: (turn: number, callIndex: number, code: string) => void;
  /** The same turn in the run this one was edited from. */
  original?: TurnRecord;
  /** Chat mode edits the message content; its tool calls are edited in their cards. */
  mode: "text" | "chat";
  /** Replayed text that follows an edit: written for the old output. */
  recordedAfterEdit?: boolean;
}

const actionTone = { code: "blue", answer: "green" } as const;

/** Memoized: a long transcript re-renders only the turn an event changed. */
export const TurnView = memo(function TurnView({ turn, live, canEdit, onRerunText, onRerunCode, original, mode, recordedAfterEdit }: TurnViewProps) {
  const editable = mode === "chat" ? turn.raw : turn.text;
  const edit = useRerunEdit();
  const failed = turn.finish_reason === "abort";
  return (
    <article data-testid="turn" data-index={turn.index} className="flex flex-col gap-2">
      <div className="rounded-lg border border-zinc-200 bg-white p-3">
        <header className="mb-2 flex flex-wrap items-center gap-2 text-xs text-zinc-600">
          <span className="font-semibold text-zinc-900">Assistant · turn {turn.index + 1}</span>
          {turn.action ? (
            <Badge tone={actionTone[turn.action]} data-testid="turn-action">
              {turn.action}
            </Badge>
          ) : (
            !failed && (
              <Badge tone="amber" data-testid="turn-action">
                no action
              </Badge>
            )
          )}
          {turn.edited && (
            <Badge tone="amber" data-testid="turn-edited">
              edited
            </Badge>
          )}
          {recordedAfterEdit && (
            <Badge tone="amber" data-testid="turn-recorded-after-edit" title="Replay continues with the recorded turns after an edit; they were written for the old output.">
              recorded text, may not match the new output
            </Badge>
          )}
          {failed && <Badge tone="red">incomplete</Badge>}
          <span>finish: {turn.finish_reason}</span>
          <span data-testid="turn-token-count">{turn.token_count} tokens</span>
          {canEdit && !failed && <EditButton edit={edit} text={editable} label="Edit turn" testId="turn-edit" />}
        </header>
        {edit.editing ? (
          <RerunEditor edit={edit} onRerun={(text) => onRerunText(turn.index, text)} testIds={{ textarea: "turn-edit-textarea", rerun: "turn-rerun" }} rows={[4, 24]} />
        ) : (
          <div data-testid="turn-text">
            <TurnText text={failed ? turn.raw : turn.text} />
          </div>
        )}
        {mode === "text" && turn.raw !== turn.text && !failed && (
          <details className="mt-2 text-xs" data-testid="turn-trimmed">
            <summary className="cursor-pointer text-zinc-500">postprocess_responses cut text after the action</summary>
            <pre className="mt-1 whitespace-pre-wrap rounded bg-zinc-100 p-2 font-mono">{turn.raw}</pre>
          </details>
        )}
        {original && original.text !== turn.text && (
          <details className="mt-2 text-xs" data-testid="turn-original">
            <summary className="cursor-pointer text-zinc-500">Original turn (before the edit)</summary>
            <pre className="mt-1 whitespace-pre-wrap rounded bg-zinc-100 p-2 font-mono">{original.text}</pre>
          </details>
        )}
      </div>

      {turn.tool_calls.map((c, i) => (
        <ToolCallCard
          key={c.id}
          call={c}
          pending={live}
          canEdit={canEdit}
          onRerun={(code) => onRerunCode(turn.index, i, code)}
          {...(original?.tool_calls[i] ? { original: original.tool_calls[i] } : {})}
        />
      ))}

      {turn.observation && (
        <div data-testid="observation" className="rounded-lg border border-dashed border-zinc-300 bg-zinc-50 p-3">
          <div className="mb-1 flex items-center gap-2 text-xs text-zinc-600">
            <span className="font-semibold">Observation</span>
            <span>exact text appended to the context · {turn.observation.token_count} tokens · loss mask 0</span>
            {turn.observation.trimmed && (
              <Badge tone="amber" data-testid="observation-trimmed">
                trimmed to the context budget
              </Badge>
            )}
          </div>
          <pre data-testid="observation-text" className="max-h-80 overflow-auto whitespace-pre-wrap break-words font-mono text-xs text-zinc-800">
            {turn.observation.text}
          </pre>
        </div>
      )}
    </article>
  );
});
