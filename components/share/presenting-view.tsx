"use client";
import { useEffect, useRef } from "react";
import type { Segment, Turn } from "@/lib/data/types";
import { cn } from "@/components/ui/cn";

/** Keys that step, for the help line and the handler (one place). */
const nextKeys = new Set(["ArrowRight", "ArrowDown", "j", " ", "PageDown"]);
const prevKeys = new Set(["ArrowLeft", "ArrowUp", "k", "PageUp"]);

const segmentStyle: Record<Segment["kind"], { label: string; box: string }> = {
  text: { label: "", box: "bg-white" },
  code: { label: "code", box: "border-indigo-300 bg-indigo-50" },
  interpreter: { label: "output", box: "border-dashed border-zinc-300 bg-zinc-100" },
  answer: { label: "answer", box: "border-green-300 bg-green-50" },
  user: { label: "user", box: "bg-white" },
  system: { label: "system", box: "bg-white" },
};

function SegmentBlock({ seg }: { seg: Segment }) {
  const st = segmentStyle[seg.kind];
  const mono = seg.kind === "code" || seg.kind === "interpreter" || seg.kind === "answer";
  return (
    <div data-kind={seg.kind} className={cn("rounded-lg border border-zinc-200 p-4", st.box)}>
      {st.label && <div className="mb-1 text-sm font-semibold uppercase tracking-wide text-zinc-500">{st.label}</div>}
      {/* Dataset text is text, never markup. */}
      <div className={cn("whitespace-pre-wrap break-words", mono ? "font-mono text-lg" : "text-2xl leading-relaxed")}>
        {seg.kind === "answer" ? `\\boxed{${seg.text}}` : seg.text}
      </div>
    </div>
  );
}

/**
 * Presenting: a rollout turn by turn in large type with no editing chrome, for showing a teammate.
 * ← → ↑ ↓, j k, Space and Page keys step; Home / End jump; Esc leaves. The turn and the mode are
 * in the URL (the caller's), so a presenting link opens on the same turn.
 */
export function PresentingView({
  title,
  question,
  turns,
  turn,
  onTurn,
  onExit,
  footer,
}: {
  title: string;
  question: string;
  turns: Turn[];
  turn: number;
  onTurn: (t: number) => void;
  onExit: () => void;
  footer?: React.ReactNode;
}) {
  const count = turns.length;
  const current = Math.min(Math.max(0, turn), Math.max(0, count - 1));
  // Step from the latest turn asked for, not the rendered one: held keys outrun rendering.
  const live = useRef(current);
  live.current = current;
  useEffect(() => {
    // Capture phase on window: runs before the page's own shortcuts (Inspect's j/k move samples).
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      let next: number | null = null;
      if (nextKeys.has(e.key)) next = Math.min(count - 1, live.current + 1);
      else if (prevKeys.has(e.key)) next = Math.max(0, live.current - 1);
      else if (e.key === "Home") next = 0;
      else if (e.key === "End") next = count - 1;
      else if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        onExit();
        return;
      } else return;
      e.preventDefault();
      e.stopPropagation();
      if (next !== null && next >= 0 && next !== live.current) {
        live.current = next;
        onTurn(next);
      }
    };
    window.addEventListener("keydown", onKey, { capture: true });
    return () => window.removeEventListener("keydown", onKey, { capture: true });
  }, [count, onTurn, onExit]);

  const t = turns[current];
  return (
    <div data-testid="presenting" data-turn={current} data-turns={count} className="fixed inset-0 z-50 flex flex-col bg-zinc-50">
      <header className="flex items-center gap-4 border-b border-zinc-200 bg-white px-8 py-3">
        <h1 className="min-w-0 flex-1 truncate text-lg font-semibold text-zinc-900">{title}</h1>
        <span data-testid="presenting-position" className="text-lg tabular-nums text-zinc-600">
          turn {count ? current + 1 : 0} / {count}
        </span>
        <button type="button" data-testid="presenting-exit" onClick={onExit} className="rounded-md border border-zinc-300 px-3 py-1 text-sm text-zinc-700 hover:bg-zinc-100">
          Exit (Esc)
        </button>
      </header>
      <main className="min-h-0 flex-1 overflow-auto px-8 py-6">
        <div className="mx-auto flex max-w-5xl flex-col gap-4">
          {current === 0 && (
            <section data-testid="presenting-question" className="rounded-lg border border-zinc-200 bg-white p-4">
              <div className="mb-1 text-sm font-semibold uppercase tracking-wide text-zinc-500">question</div>
              <div className="whitespace-pre-wrap break-words text-2xl leading-relaxed">{question}</div>
            </section>
          )}
          {t ? (
            <section data-testid="presenting-turn" className="flex flex-col gap-3">
              {t.segments.map((s, i) => (
                <SegmentBlock key={i} seg={s} />
              ))}
            </section>
          ) : (
            <p className="text-xl text-zinc-500">This rollout has no turns yet.</p>
          )}
        </div>
      </main>
      <footer className="flex items-center gap-4 border-t border-zinc-200 bg-white px-8 py-2 text-sm text-zinc-500">
        <span>← → or j k: previous / next turn · Home / End · Esc: leave</span>
        {footer}
      </footer>
    </div>
  );
}
