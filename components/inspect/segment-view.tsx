"use client";
import { CodeBlock } from "@/components/chat/code-block";
import { ToolResultPanel } from "@/components/tool-result/tool-result-panel";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { compareOutput } from "@/lib/data/compare-output";
import type { ReexecRecord, Segment } from "@/lib/data/types";
import { CUT, LongText } from "./long-text";
import type { Verdict } from "./verdict";
import { verdictStyle } from "./verdict";

// Renders one segment of a trajectory with the Chat components (Markdown + LaTeX, highlighted
// code) and the shared ToolResult panel for live re-execution results. Long text is cut.

/** Model text: the Chat page's Markdown + LaTeX renderer (plain and cut when very long). */
export function MarkdownText({ text }: { text: string }) {
  return <LongText text={text} markdown />;
}

function CodeCell({ text, lang }: { text: string; lang?: string }) {
  return (
    <div data-testid="segment-code" className="min-w-0 overflow-hidden rounded-md border border-indigo-200 bg-indigo-50/40">
      <div className="px-2 py-0.5 text-xs text-indigo-800">code · {lang ?? "python"}</div>
      {text.length <= CUT ? <CodeBlock code={text} className="rounded-none ring-0" /> : <LongText text={text} className="bg-white p-2" />}
    </div>
  );
}

type Live = ReexecRecord["details"][number];

function InterpreterBlock({ text, live, source }: { text: string; live?: Live; source?: string }) {
  const cmp = live ? compareOutput(text, live.live) : null;
  return (
    <div data-testid="segment-interpreter" className="min-w-0 overflow-hidden rounded-md border border-zinc-300">
      <div className="flex flex-wrap items-center gap-2 bg-zinc-100 px-2 py-0.5 text-xs text-zinc-700">
        <span>{source ? `${source} (recorded)` : "interpreter output (recorded)"}</span>
        {live && (
          <Badge tone={live.match ? "green" : "red"} data-testid={live.match ? "cell-match" : "cell-mismatch"}>
            {live.match ? "reproduced" : "mismatch"}
          </Badge>
        )}
        {live && <span className="text-[11px] text-zinc-500">compared by what the program printed (the format&apos;s wrapper, such as &quot;Output:&quot;, is ignored)</span>}
      </div>
      <div className={cn("grid", live ? "grid-cols-2 divide-x divide-zinc-200" : "grid-cols-1")}>
        <div className="min-w-0 max-h-72 overflow-auto bg-white p-2" data-testid="cell-recorded-output">
          {live && <div className="pb-1 text-[11px] font-medium text-zinc-600">recorded (raw)</div>}
          <LongText text={text} />
        </div>
        {live && (
          <div className={cn("min-w-0", live.match ? "bg-green-50/40" : "bg-red-50/40")}>
            <div className={cn("px-2 pt-1 text-[11px] font-medium", live.match ? "text-green-800" : "text-red-800")}>live output, raw ({live.status})</div>
            <div data-testid="cell-live-output" className="max-h-72 overflow-auto p-2">
              <LongText text={live.live} />
            </div>
            {cmp && !live.match && (
              <p data-testid="cell-printed-diff" className="px-2 pb-1 text-[11px] text-red-800">
                printed: recorded «{cmp.recorded.slice(0, 200)}» vs live «{cmp.live.slice(0, 200)}»
              </p>
            )}
            {live.result && (
              <details className="px-2 pb-2 text-xs">
                <summary className="cursor-pointer text-zinc-600">full tool result</summary>
                <ToolResultPanel result={live.result} testId="cell-live-result" />
              </details>
            )}
          </div>
        )}
      </div>
    </div>
  );
}

export function SegmentView({ segment, live, verdict }: { segment: Segment; live?: Live; verdict?: Verdict }) {
  switch (segment.kind) {
    case "text":
      return <MarkdownText text={segment.text} />;
    case "code":
      return <CodeCell text={segment.text} lang={segment.lang} />;
    case "interpreter":
      return <InterpreterBlock text={segment.text} live={live} source={segment.lang} />;
    case "answer": {
      // The box says whether the answer was right, not that there was one.
      const v = verdictStyle[verdict ?? "unscored"];
      return (
        <div data-testid="segment-answer" data-verdict={verdict ?? "unscored"} className={cn("inline-flex max-w-full min-w-0 items-center gap-2 rounded-md border px-3 py-1.5 text-sm", v.box)}>
          <span className={cn("shrink-0 text-xs font-semibold uppercase", v.text)}>Answer · {v.label}</span>
          {segment.text.trim() === "" ? (
            // KaTeX draws an empty box as a lone bar: say what it is.
            <span data-testid="answer-empty" className="font-mono text-xs">
              \boxed{"{}"} <span className="font-sans text-zinc-500">(empty answer)</span>
              {/* slime's ReTool reward_func: math_dapo compute_score with strict_box_verify. */}
              <span data-testid="answer-empty-slime" className="block font-sans text-[11px] text-zinc-600">
                slime&apos;s ReTool reward reads it as the answer &quot;&quot; (not as no answer) and compares it with the label as an exact string: wrong
                unless the label is empty, so −1, then min(−0.6, −1 + (tool calls − 2)/2 · 0.1) — the same score as no \boxed{"{}"} at all.
              </span>
            </span>
          ) : segment.text.length <= 2000 ? (
            <MarkdownText text={`$${segment.text}$`} />
          ) : (
            <LongText text={segment.text} />
          )}
        </div>
      );
    }
    case "user":
    case "system":
      return (
        <div className="min-w-0 rounded-md bg-zinc-100 p-2">
          <div className="mb-1 text-xs font-semibold uppercase text-zinc-500">{segment.kind}</div>
          <MarkdownText text={segment.text} />
        </div>
      );
  }
}
