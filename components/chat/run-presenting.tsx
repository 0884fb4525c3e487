"use client";
import { useMemo } from "react";
import type { ChatRun } from "@/lib/rollout/chat-session-schema";
import { segmentResponse } from "@/lib/data/segments";
import { PresentingView } from "@/components/share/presenting-view";

/** A Chat run in presenting mode: its response split into turns as Inspect splits a Sample's. */
export function RunPresenting({ sessionId, run, turn, onTurn, onExit }: { sessionId: string; run: ChatRun; turn: number; onTurn: (t: number) => void; onExit: () => void }) {
  const record = run.record;
  // A finished run has its whole response; one still going is its turns and observations so far.
  const response = record ? record.response || record.turns.map((t) => t.text + (t.observation?.text ?? "")).join("") : "";
  const turns = useMemo(() => segmentResponse(response), [response]);
  const reward = record?.reward;
  return (
    <PresentingView
      title={`Run ${run.n} · ${record?.status ?? "running"} · session ${sessionId}`}
      question={record?.prompt ?? ""}
      turns={turns}
      turn={turn}
      onTurn={onTurn}
      onExit={onExit}
      footer={
        reward ? (
          <span data-testid="presenting-reward" className="ml-auto text-base text-zinc-800">
            reward {reward.score === null ? "—" : reward.score} ({reward.type})
          </span>
        ) : null
      }
    />
  );
}
