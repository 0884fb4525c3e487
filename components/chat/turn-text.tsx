"use client";

import { tracePredictions } from "@/lib/rollout/parse";
import { Markdown } from "./markdown";

/** Prose as Markdown; the action block slime parsed (tool call, code, answer) shown verbatim. */
export function TurnText({ text }: { text: string }) {
  let trace: ReturnType<typeof tracePredictions> | null = null;
  try {
    trace = tracePredictions(text);
  } catch {
    trace = null;
  }
  if (!trace?.span || trace.source === "answer") return <Markdown text={text} />;
  const [a, b] = trace.span;
  return (
    <div className="flex flex-col gap-1">
      {text.slice(0, a).trim() && <Markdown text={text.slice(0, a)} />}
      <pre
        data-testid="turn-action-block"
        className="overflow-auto whitespace-pre-wrap break-words rounded bg-indigo-50 p-2 font-mono text-xs text-indigo-950 ring-1 ring-indigo-200"
      >
        {text.slice(a, b)}
      </pre>
      {text.slice(b).trim() && <Markdown text={text.slice(b)} />}
    </div>
  );
}
