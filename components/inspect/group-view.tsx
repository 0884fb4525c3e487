"use client";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/spinner";
import { promptParts } from "@/lib/data/chat-link";
import { segmentResponse } from "@/lib/data/segments";
import type { TurnTags } from "@/lib/data/segments";
import type { GroupSummary } from "@/lib/data/types";
import { rowFlags } from "@/lib/data/types";
import { isTyping } from "./use-inspect-keys";
import { api } from "./api";
import { AdvantageChip, GroupAdvantageStats } from "./group-advantages";
import { RewardValue } from "./reward-value";
import { MarkdownText, SegmentView } from "./segment-view";
import { verdictOf, verdictStyle } from "./verdict";

/**
 * GRPO view: every sample of one prompt in a horizontal strip, with the group's mean reward and
 * pass rate. The strip scrolls (scrollbar, Shift+wheel, ← →, the ‹ › buttons); the header never
 * scrolls away, and Escape (handled by the page) goes back to the sample.
 */
export function GroupView({ datasetId, group, selected, onOpen, onClose, onFilter, tags }: { datasetId: string; group: number; selected: number | null; onOpen: (row: number) => void; onClose: () => void; onFilter: () => void; tags?: TurnTags }) {
  const [data, setData] = useState<GroupSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [focus, setFocus] = useState(0);
  const strip = useRef<HTMLDivElement>(null);
  // A key pressed while the group is still loading (End right after opening the view) is kept and
  // applied once the cards exist; clamped against an empty strip it used to be lost.
  const pending = useRef<number | null>(null);
  useEffect(() => {
    let live = true;
    setData(null);
    pending.current = null;
    void api.group(datasetId, group).then((r) => {
      if (!live) return;
      if (r.ok) setData(r.value);
      else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [datasetId, group]);

  const count = data?.samples.length ?? 0;
  const go = (i: number) => {
    if (!data) {
      pending.current = i;
      return;
    }
    const k = Math.max(0, Math.min(count - 1, i));
    setFocus(k);
    const el = strip.current;
    const card = el?.querySelector<HTMLElement>(`[data-card="${k}"]`);
    if (!el || !card) return;
    // Bring the whole card into the strip (explicitly: scrollIntoView would also move the page).
    const a = el.getBoundingClientRect();
    const b = card.getBoundingClientRect();
    if (b.left < a.left + 12) el.scrollLeft -= a.left + 12 - b.left;
    else if (b.right > a.right - 12) el.scrollLeft += b.right - (a.right - 12);
  };
  const goRef = useRef(go);
  goRef.current = go;
  const focusRef = useRef(focus);
  focusRef.current = focus;

  useLayoutEffect(() => {
    if (!data || pending.current === null) return;
    const i = pending.current;
    pending.current = null;
    goRef.current(i);
  }, [data]);

  // ← → move between cards (the page leaves arrows to this view while it is open). Attached in a
  // layout effect: the view's buttons can be on screen, and clicked or keyed, before a passive
  // effect has run.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e)) return;
      if (e.key === "ArrowRight") goRef.current(focusRef.current + 1);
      else if (e.key === "ArrowLeft") goRef.current(focusRef.current - 1);
      else if (e.key === "Home") goRef.current(0);
      else if (e.key === "End") goRef.current(Number.MAX_SAFE_INTEGER);
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  // Shift+wheel scrolls the strip sideways even over a card whose text scrolls vertically.
  useEffect(() => {
    const el = strip.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      if (!e.shiftKey || e.deltaX !== 0 || e.deltaY === 0) return;
      e.preventDefault();
      el.scrollLeft += e.deltaY;
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => el.removeEventListener("wheel", onWheel);
  }, [data]);

  // When a person scrolls (wheel, scrollbar), the focused card follows what they see.
  const onScroll = () => {
    const el = strip.current;
    if (!el) return;
    const a = el.getBoundingClientRect();
    const cards = [...el.querySelectorAll<HTMLElement>("[data-card]")];
    const seen = (c: HTMLElement) => {
      const b = c.getBoundingClientRect();
      return Math.min(b.right, a.right) - Math.max(b.left, a.left) >= b.width / 2;
    };
    const cur = cards[focusRef.current];
    if (cur && seen(cur)) return;
    const k = cards.findIndex(seen);
    if (k >= 0) setFocus(k);
  };

  if (error) return <p className="p-4 text-sm text-red-700">{error}</p>;
  const first = data?.samples[0];
  return (
    <div data-testid="group-view" className="flex min-h-0 min-w-0 flex-1 flex-col">
      <div data-testid="group-header" className="flex shrink-0 flex-wrap items-center gap-x-4 gap-y-1 border-b border-zinc-200 bg-white px-4 py-2 text-sm">
        <span className="font-semibold">Group {group}</span>
        {data && (
          <>
            <span data-testid="group-size">{data.rows.length} samples</span>
            <span data-testid="group-mean">mean reward {data.mean_reward === null ? "—" : data.mean_reward.toFixed(3)}</span>
            <span data-testid="group-pass-rate">pass rate {data.pass_rate === null ? "—" : `${(data.pass_rate * 100).toFixed(0)}%`}</span>
            <GroupAdvantageStats grpo={data.grpo} />
            <span className="max-w-[12rem] truncate text-xs text-zinc-500" title={first?.label ?? undefined}>
              label {first?.label ?? "—"}
            </span>
          </>
        )}
        <div className="ml-auto flex shrink-0 gap-1">
          <Button size="sm" onClick={onFilter} data-testid="group-filter">
            Filter the list to this group
          </Button>
          <Button size="sm" onClick={onClose} data-testid="close-group" title="Escape">
            Back to sample
          </Button>
        </div>
      </div>
      {!data && (
        <p className="flex items-center gap-2 p-4 text-sm text-zinc-500">
          <Spinner /> loading group {group}…
        </p>
      )}
      {first && (
        <div data-testid="group-prompt" className="max-h-28 shrink-0 overflow-auto border-b border-zinc-200 bg-zinc-50 px-4 py-2">
          <MarkdownText text={promptParts(first).user} />
        </div>
      )}
      {data && (
        <div className="flex shrink-0 items-center gap-2 border-b border-zinc-100 bg-white px-4 py-1 text-xs text-zinc-600">
          <Button size="sm" variant="ghost" data-testid="group-prev" onClick={() => go(focus - 1)} disabled={focus <= 0} aria-label="previous card">
            ‹
          </Button>
          <span data-testid="group-position">
            card {Math.min(focus + 1, count)} of {count}
          </span>
          <Button size="sm" variant="ghost" data-testid="group-next" onClick={() => go(focus + 1)} disabled={focus >= count - 1} aria-label="next card">
            ›
          </Button>
          <span className="text-zinc-400">← → or Shift+wheel to scroll · Esc: back to the sample</span>
        </div>
      )}
      {data && (
        <div ref={strip} data-testid="group-strip" tabIndex={0} onScroll={onScroll} className="flex min-h-0 min-w-0 flex-1 gap-3 overflow-x-auto overflow-y-hidden p-3 outline-none">
          {data.samples.map((s, k) => {
            const turns = segmentResponse(s.response, tags);
            const answer = turns.flatMap((t) => t.segments).find((x) => x.kind === "answer");
            const verdict = verdictOf(s, turns.length ? answer !== undefined : undefined);
            const vs = verdictStyle[verdict];
            return (
              <div
                key={s.row}
                data-card={k}
                data-testid={`group-sample-${s.row}`}
                data-verdict={verdict}
                onClick={() => setFocus(k)}
                className={cn("flex min-h-0 w-[min(24rem,85%)] shrink-0 flex-col rounded-md border bg-white", s.row === selected ? "border-indigo-400 ring-2 ring-indigo-100" : "border-zinc-200", k === focus && "outline outline-2 outline-indigo-300")}
              >
                <button className="flex items-center justify-between gap-2 border-b border-zinc-100 px-3 py-1.5 text-left text-xs hover:bg-zinc-50" onClick={() => onOpen(s.row)} title="Open this sample">
                  <span className="truncate">
                    row {s.row} · {s.status ?? "—"} · {s.tool_call_count ?? 0} tools
                  </span>
                  <span className="flex shrink-0 items-center gap-1">
                    {s.flags & rowFlags.toolError ? <Badge tone="amber">tool error</Badge> : null}
                    <Badge tone={vs.badge}>{vs.label}</Badge>
                    <span className={cn("font-mono font-semibold", vs.text)}>
                      <RewardValue reward={s.reward} special={s.reward_nonfinite} />
                    </span>
                    <AdvantageChip value={data.grpo?.advantages[k]} nan={Boolean(data.grpo?.all_nan) && (s.reward !== null || s.reward_nonfinite !== undefined)} />
                  </span>
                </button>
                {answer && (
                  <div className="px-3 pt-2">
                    <SegmentView segment={answer} verdict={verdict} />
                  </div>
                )}
                <div className="min-h-0 flex-1 overflow-auto px-3 py-2 text-xs">
                  {turns.map((t) =>
                    t.segments
                      .filter((x) => x.kind !== "answer")
                      .map((seg, j) => (
                        <div key={`${t.index}-${j}`} className="mb-2">
                          <SegmentView segment={seg} />
                        </div>
                      )),
                  )}
                </div>
              </div>
            );
          })}
          {data.rows.length > data.samples.length && <p className="shrink-0 self-center text-xs text-zinc-500">+{data.rows.length - data.samples.length} more (filter the list to this group)</p>}
        </div>
      )}
    </div>
  );
}
