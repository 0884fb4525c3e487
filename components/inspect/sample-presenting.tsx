"use client";
import { useMemo } from "react";
import { promptParts } from "@/lib/data/chat-link";
import { segmentResponse, type TurnTags } from "@/lib/data/segments";
import type { NormalizedSample } from "@/lib/data/types";
import { PresentingView } from "@/components/share/presenting-view";

/** An Inspect sample in presenting mode: the user's question, then its turns one by one. */
export function SamplePresenting({
  sample,
  source,
  tags,
  turn,
  onTurn,
  onExit,
}: {
  sample: NormalizedSample;
  source: string;
  tags: TurnTags | undefined;
  turn: number;
  onTurn: (t: number) => void;
  onExit: () => void;
}) {
  const turns = useMemo(() => segmentResponse(sample.response, tags), [sample.response, tags]);
  const { user } = useMemo(() => promptParts(sample), [sample]);
  const reward = sample.reward_nonfinite ?? (sample.reward === null ? "—" : String(sample.reward));
  return (
    <PresentingView
      title={`${source} · sample ${sample.row}`}
      question={user}
      turns={turns}
      turn={turn}
      onTurn={onTurn}
      onExit={onExit}
      footer={
        <span data-testid="presenting-reward" className="ml-auto text-base text-zinc-800">
          reward {reward}
        </span>
      }
    />
  );
}
