"use client";
import "katex/dist/katex.min.css";
import ReactMarkdown from "react-markdown";
import rehypeKatex from "rehype-katex";
import remarkGfm from "remark-gfm";
import remarkMath from "remark-math";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import type { ReexecRecord, Segment } from "@/lib/data/types";

// Renders one segment of a trajectory. Model text is Markdown with LaTeX; code and
// interpreter output are monospace blocks; the answer is a highlighted box.

/** slime/ReTool text writes LaTeX with \( \) and \[ \]; remark-math wants $ delimiters. */
export function toMarkdownMath(s: string): string {
  return s.replace(/\\\[([\s\S]*?)\\\]/g, (_, m: string) => `$$${m}$$`).replace(/\\\(([\s\S]*?)\\\)/g, (_, m: string) => `$${m}$`);
}

export function MarkdownText({ text, className }: { text: string; className?: string }) {
  return (
    <div className={cn("prose-sm max-w-none break-words text-sm leading-relaxed [&_p]:my-1.5 [&_pre]:overflow-x-auto [&_pre]:rounded [&_pre]:bg-zinc-100 [&_pre]:p-2 [&_code]:text-[0.85em] [&_ul]:list-disc [&_ul]:pl-5 [&_ol]:list-decimal [&_ol]:pl-5", className)}>
      <ReactMarkdown remarkPlugins={[remarkGfm, remarkMath]} rehypePlugins={[rehypeKatex]}>
        {toMarkdownMath(text)}
      </ReactMarkdown>
    </div>
  );
}

function CodeBlock({ text, lang }: { text: string; lang?: string }) {
  return (
    <div data-testid="segment-code" className="overflow-hidden rounded-md border border-indigo-200">
      <div className="flex items-center justify-between bg-indigo-50 px-2 py-0.5 text-xs text-indigo-800">
        <span>code · {lang ?? "python"}</span>
      </div>
      <pre className="overflow-x-auto bg-white p-2 font-mono text-xs leading-5 text-zinc-900">{text}</pre>
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
      return <CodeBlock text={segment.text} lang={segment.lang} />;
    case "interpreter":
      return <InterpreterBlock text={segment.text} live={live} />;
    case "answer":
      return (
        <div data-testid="segment-answer" className="inline-flex items-center gap-2 rounded-md border border-green-300 bg-green-50 px-3 py-1.5 text-sm">
          <span className="text-xs font-semibold uppercase text-green-800">Answer</span>
          <MarkdownText text={`$\\boxed{${segment.text}}$`} />
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
