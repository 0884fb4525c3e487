"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { pieceStats, type TokenPiece } from "./pieces";

// Tokens of a rollout or a dataset sample, one colouring everywhere: prompt grey, trained tokens
// (loss mask 1) green or, with logprobs, a heat map (green confident, red unlikely), untrained tokens
// (loss mask 0: observations) amber.

const LIMIT = 3000;

export function heat(lp: number): string {
  const t = Math.min(1, Math.max(0, -lp / 5));
  return `hsl(${Math.round(120 * (1 - t))} 70% ${Math.round(88 - 10 * t)}%)`;
}

type Split = "all" | "trained" | "untrained";
const kindOf = (p: TokenPiece) => (p.mask === null ? "prompt" : p.mask === 1 ? "trained" : "untrained");

export function TokenView({ pieces, source, warnings = [] }: { pieces: TokenPiece[]; source: string; warnings?: string[] }) {
  const [split, setSplit] = useState<Split>("all");
  const [showAll, setShowAll] = useState(false);
  const [heatmap, setHeatmap] = useState(true);
  const stats = pieceStats(pieces);
  const items = pieces.map((p, i) => ({ p, i, kind: kindOf(p) })).filter((t) => split === "all" || t.kind === split);
  const shown = showAll ? items : items.slice(0, LIMIT);
  const hasLogprobs = stats.meanLogprob !== null;

  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-3 text-xs text-zinc-700">
        <span data-testid="token-view-source" className="text-zinc-600">
          {source}
        </span>
        <span data-testid="token-stats">
          prompt {stats.prompt} · response {stats.response} · <span className="text-green-800">trained {stats.trained}</span> ·{" "}
          <span className="text-amber-800">not trained {stats.untrained}</span>
          {hasLogprobs && ` · mean logprob ${stats.meanLogprob!.toFixed(3)} · min ${stats.minLogprob!.toFixed(3)}`}
        </span>
        <span className="flex gap-1">
          {(["all", "trained", "untrained"] as Split[]).map((s) => (
            <button
              key={s}
              data-testid={`token-split-${s}`}
              onClick={() => setSplit(s)}
              className={cn("rounded border px-2 py-0.5", split === s ? "border-indigo-400 bg-indigo-50" : "border-zinc-300")}
            >
              {s}
            </button>
          ))}
        </span>
        {hasLogprobs && (
          <label className="flex items-center gap-1">
            <input type="checkbox" checked={heatmap} onChange={(e) => setHeatmap(e.target.checked)} /> logprob
            <span className="inline-block h-3 w-16 rounded" style={{ background: `linear-gradient(to right, ${heat(0)}, ${heat(-2.5)}, ${heat(-5)})` }} /> 0 … −5
          </label>
        )}
      </div>
      {warnings.map((w) => (
        <p key={w} className="text-xs text-amber-800">
          {w}
        </p>
      ))}
      <div data-testid="token-view" className="max-h-[70vh] overflow-auto rounded-lg bg-white p-2 font-mono text-[11px] leading-5 ring-1 ring-zinc-200">
        {shown.map(({ p, i, kind }) => (
          <span
            key={i}
            data-kind={kind}
            data-mask={p.mask === null ? "prompt" : String(p.mask)}
            title={`#${i}${p.id !== undefined ? ` id ${p.id}` : ""} ${p.text === "" ? "(bytes of a character the next token completes)" : JSON.stringify(p.text)} · ${kind === "prompt" ? "prompt" : `loss_mask ${p.mask}`}${p.note ? ` (${p.note})` : ""}${p.logprob !== undefined ? ` · logprob ${p.logprob.toFixed(4)}` : ""}${p.mark ? ` · ${p.mark}` : ""}`}
            {...(p.note ? { "data-note": p.note } : {})}
            {...(p.mark ? { "data-testid": "token-mark" } : {})}
            className={cn(
              "mr-px whitespace-pre-wrap break-all rounded-sm",
              kind === "prompt" && "bg-zinc-100 text-zinc-500",
              kind === "untrained" && "bg-amber-100 text-amber-950",
              kind === "trained" && "bg-green-100",
              p.mark && "border-l-2 border-red-600 pl-px",
            )}
            style={kind === "trained" && heatmap && p.logprob !== undefined ? { background: heat(p.logprob) } : undefined}
          >
            {p.text === "" ? <span aria-hidden className="inline-block h-3 w-1 align-middle" /> : p.text}
          </span>
        ))}
      </div>
      {items.length > shown.length && (
        <Button size="sm" onClick={() => setShowAll(true)}>
          Show all {items.length} tokens
        </Button>
      )}
    </div>
  );
}
