"use client";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/spinner";
import { promptParts } from "@/lib/data/chat-link";
import { segmentResponse } from "@/lib/data/segments";
import type { GroupSummary } from "@/lib/data/types";
import { api } from "./api";
import { MarkdownText, SegmentView } from "./segment-view";

/** GRPO view: every sample of one prompt side by side, with the group's mean reward and pass rate. */
export function GroupView({ datasetId, group, selected, onOpen, onClose, onFilter }: { datasetId: string; group: number; selected: number | null; onOpen: (row: number) => void; onClose: () => void; onFilter: () => void }) {
  const [data, setData] = useState<GroupSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setData(null);
    void api.group(datasetId, group).then((r) => {
      if (!live) return;
      if (r.ok) setData(r.value);
      else setError(r.message);
    });
    return () => {
      live = false;
    };
  }, [datasetId, group]);
  if (error) return <p className="p-4 text-sm text-red-700">{error}</p>;
  if (!data) return <p className="flex items-center gap-2 p-4 text-sm text-zinc-500"><Spinner /> loading group {group}…</p>;
  const first = data.samples[0];
  return (
    <div data-testid="group-view" className="flex min-h-0 flex-1 flex-col">
      <div className="flex flex-wrap items-center gap-4 border-b border-zinc-200 bg-white px-4 py-2 text-sm">
        <span className="font-semibold">Group {group}</span>
        <span data-testid="group-size">{data.rows.length} samples</span>
        <span data-testid="group-mean">mean reward {data.mean_reward === null ? "—" : data.mean_reward.toFixed(3)}</span>
        <span data-testid="group-pass-rate">pass rate {data.pass_rate === null ? "—" : `${(data.pass_rate * 100).toFixed(0)}%`}</span>
        <span className="text-xs text-zinc-500">label {first?.label ?? "—"}</span>
        <div className="ml-auto flex gap-1">
          <Button size="sm" onClick={onFilter}>Filter the list to this group</Button>
          <Button size="sm" onClick={onClose} data-testid="close-group">Back to sample</Button>
        </div>
      </div>
      {first && (
        <div className="border-b border-zinc-200 bg-zinc-50 px-4 py-2">
          <MarkdownText text={promptParts(first).user} />
        </div>
      )}
      <div className="flex min-h-0 flex-1 gap-3 overflow-auto p-3">
        {data.samples.map((s) => {
          const turns = segmentResponse(s.response);
          const answer = turns.flatMap((t) => t.segments).find((x) => x.kind === "answer");
          const good = s.acc ?? (s.reward !== null ? s.reward > 0 : null);
          return (
            <div key={s.row} data-testid={`group-sample-${s.row}`} className={cn("flex w-96 shrink-0 flex-col rounded-md border bg-white", s.row === selected ? "border-indigo-400" : "border-zinc-200")}>
              <button className="flex items-center justify-between border-b border-zinc-100 px-3 py-1.5 text-left text-xs hover:bg-zinc-50" onClick={() => onOpen(s.row)}>
                <span>row {s.row} · {s.status ?? "—"} · {s.tool_call_count ?? 0} tools</span>
                <span className={cn("font-mono font-semibold", good === null ? "" : good ? "text-green-700" : "text-red-700")}>{s.reward ?? "—"}</span>
              </button>
              {answer && <div className="px-3 pt-2"><SegmentView segment={answer} /></div>}
              <div className="max-h-[60vh] overflow-auto px-3 py-2 text-xs">
                {turns.map((t) => t.segments.filter((x) => x.kind !== "answer").map((seg, k) => <div key={`${t.index}-${k}`} className="mb-2"><SegmentView segment={seg} /></div>))}
              </div>
            </div>
          );
        })}
        {data.rows.length > data.samples.length && <p className="self-center text-xs text-zinc-500">+{data.rows.length - data.samples.length} more (filter the list to this group)</p>}
      </div>
    </div>
  );
}
