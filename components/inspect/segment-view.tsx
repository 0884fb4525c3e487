"use client";
import { CodeBlock } from "@/components/chat/code-block";
import { Markdown } from "@/components/chat/markdown";
import { ToolResultPanel } from "@/components/tool-result/tool-result-panel";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import type { ReexecRecord, Segment } from "@/lib/data/types";

// Renders one segment of a trajectory with the Chat components (Markdown + LaTeX, highlighted
// code) and the shared ToolResult panel for live re-execution results.

/** Model text: the Chat page's Markdown + LaTeX renderer. */
export function MarkdownText({ text }: { text: string }) {
  return <Markdown text={text} />;
}

function CodeCell({ text, lang }: { text: string; lang?: string }) {
  return (
    <div data-testid="segment-code" className="overflow-hidden rounded-md border border-indigo-200 bg-indigo-50/40">
      <div className="px-2 py-0.5 text-xs text-indigo-800">code · {lang ?? "python"}</div>
      <CodeBlock code={text} className="rounded-none ring-0" />
    </div>
  );
}

function InterpreterBlock({ text, live }: { text: string; live?: ReexecRecord["details"][number] }) {
  return (
    <div data-testid="segment-interpreter" className="overflow-hidden rounded-md border border-zinc-300">
      <div className="flex items-center gap-2 bg-zinc-100 px-2 py-0.5 text-xs text-zinc-700">
        <span>interpreter output (recorded)</span>
        {live && (
          <Badge tone={live.match ? "green" : "red"} data-testid={live.match ? "cell-match" : "cell-mismatch"}>
            {live.match ? "reproduced" : "mismatch"}
          </Badge>
        )}
      </div>
      <div className={cn("grid", live && !live.match ? "grid-cols-2 divide-x divide-zinc-200" : "grid-cols-1")}>
        <pre className="max-h-72 overflow-auto whitespace-pre-wrap bg-white p-2 font-mono text-xs leading-5">{text}</pre>
        {live && !live.match && (
          <div className="bg-red-50/40">
            <div className="px-2 pt-1 text-[11px] font-medium text-red-800">live output ({live.status})</div>
            <pre data-testid="cell-live-output" className="max-h-72 overflow-auto whitespace-pre-wrap p-2 font-mono text-xs leading-5">{live.live}</pre>
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

export function SegmentView({ segment, live }: { segment: Segment; live?: ReexecRecord["details"][number] }) {
  switch (segment.kind) {
    case "text":
      return <MarkdownText text={segment.text} />;
    case "code":
      return <CodeCell text={segment.text} lang={segment.lang} />;
    case "interpreter":
      return <InterpreterBlock text={segment.text} live={live} />;
    case "answer":
      return (
        <div data-testid="segment-answer" className="inline-flex items-center gap-2 rounded-md border border-green-300 bg-green-50 px-3 py-1.5 text-sm">
          <span className="text-xs font-semibold uppercase text-green-800">Answer</span>
          <MarkdownText text={`$${segment.text}$`} />
        </div>
      );
    case "user":
    case "system":
      return (
        <div className="rounded-md bg-zinc-100 p-2">
          <div className="mb-1 text-xs font-semibold uppercase text-zinc-500">{segment.kind}</div>
          <MarkdownText text={segment.text} />
        </div>
      );
  }
}
