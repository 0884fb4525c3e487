"use client";

import { useEffect, useState } from "react";
import type { TokenView as TokenViewData } from "@/app/(playground)/chat/schema";
import { tokenView } from "@/app/(playground)/chat/actions";

/** Logprob -> background: confident tokens pale, unlikely ones deep red. */
function heat(lp: number): string {
  const p = Math.exp(lp);
  const alpha = Math.min(0.85, Math.max(0.05, 1 - p));
  return `rgba(220, 38, 38, ${alpha.toFixed(2)})`;
}

const maskClass = { 1: "bg-indigo-100 ring-indigo-300", 0: "bg-amber-100 ring-amber-300", null: "bg-zinc-100 ring-zinc-300" } as const;

export function TokenView({ sessionId, runId, version }: { sessionId: string; runId: string; version: string }) {
  const [data, setData] = useState<TokenViewData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [heatmap, setHeatmap] = useState(true);
  useEffect(() => {
    let alive = true;
    void tokenView({ session_id: sessionId, run_id: runId }).then((r) => {
      if (!alive) return;
      if (r.ok) {
        setData(r.value);
        setError(null);
      } else setError(r.error);
    });
    return () => {
      alive = false;
    };
  }, [sessionId, runId, version]);

  if (error) return <p className="text-sm text-red-700">{error}</p>;
  if (!data) return <p className="text-sm text-zinc-500">Loading tokens…</p>;
  const hasLogprobs = data.tokens.some((t) => t.logprob !== undefined);
  return (
    <div className="flex flex-col gap-2">
      <p className="flex flex-wrap items-center gap-2 text-xs text-zinc-600">
        <span data-testid="token-view-source">{data.exact ? `Tokens from ${data.source}` : "Approximate: no tokenizer, so spans of text stand in for tokens."}</span>
        <span className="rounded px-1 ring-1 ring-inset bg-zinc-100 ring-zinc-300">prompt</span>
        <span className="rounded px-1 ring-1 ring-inset bg-indigo-100 ring-indigo-300">loss mask 1 (model)</span>
        <span className="rounded px-1 ring-1 ring-inset bg-amber-100 ring-amber-300">loss mask 0 (observation)</span>
        {hasLogprobs && (
          <label className="flex items-center gap-1">
            <input type="checkbox" checked={heatmap} onChange={(e) => setHeatmap(e.target.checked)} /> logprob heat map
          </label>
        )}
      </p>
      <div data-testid="token-view" className="max-h-[70vh] overflow-auto rounded-lg bg-white p-3 font-mono text-xs leading-6 ring-1 ring-zinc-200">
        {data.tokens.map((t, i) => (
          <span
            key={i}
            data-mask={t.mask === null ? "prompt" : String(t.mask)}
            title={`${JSON.stringify(t.text)}${t.logprob !== undefined ? ` logprob ${t.logprob.toFixed(4)}` : ""} · mask ${t.mask ?? "prompt"}`}
            className={`mr-px whitespace-pre-wrap rounded-sm ring-1 ring-inset ${maskClass[t.mask === null ? "null" : t.mask]}`}
            style={heatmap && t.logprob !== undefined ? { backgroundColor: heat(t.logprob) } : undefined}
          >
            {t.text}
          </span>
        ))}
      </div>
    </div>
  );
}
