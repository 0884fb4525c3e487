"use client";
import { useState } from "react";
import { cn } from "@/components/ui/cn";
import { Markdown } from "@/components/chat/markdown";

// RL data is unkind: a response can be a 2 MB run without one space. Text longer than CUT is
// shown as plain wrapped text, cut with a visible "show more"; shorter text keeps Markdown. Every
// box breaks long words so nothing can widen the page.

export const CUT = 20_000;
const STEP = 200_000;

export function LongText({ text, markdown = false, className, testId }: { text: string; markdown?: boolean; className?: string; testId?: string }) {
  const [shown, setShown] = useState(CUT);
  if (markdown && text.length <= CUT) {
    return (
      <div data-testid={testId} className={cn("min-w-0 max-w-full overflow-x-auto [overflow-wrap:anywhere]", className)}>
        <Markdown text={text} />
      </div>
    );
  }
  const cut = text.length > shown;
  return (
    <div data-testid={testId} className={cn("min-w-0 max-w-full", className)}>
      <pre className="whitespace-pre-wrap break-all font-mono text-xs leading-5">{cut ? text.slice(0, shown) : text}</pre>
      {cut && (
        <div className="mt-1 flex items-center gap-2 text-xs text-zinc-600">
          <span data-testid="long-text-cut">
            showing {shown.toLocaleString()} of {text.length.toLocaleString()} characters
          </span>
          <button type="button" data-testid="show-more" className="rounded border border-zinc-300 px-2 py-0.5 text-indigo-700 hover:bg-zinc-50" onClick={() => setShown((n) => n + STEP)}>
            show more
          </button>
          <button type="button" data-testid="show-all" className="text-indigo-700 underline" onClick={() => setShown(text.length)}>
            show all
          </button>
        </div>
      )}
    </div>
  );
}
