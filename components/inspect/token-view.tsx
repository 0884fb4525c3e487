"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";

// Tokens of a slime sample: prompt tokens, then response tokens coloured by loss mask
// (trained or not) and by rollout logprob (a heat map: green = confident, red = unlikely).

const LIMIT = 3000;

export function heat(lp: number): string {
  const t = Math.min(1, Math.max(0, -lp / 5));
  return `hsl(${Math.round(120 * (1 - t))} 70% ${Math.round(88 - 10 * t)}%)`;
}

type Split = "all" | "trained" | "untrained";

export function TokenView({ tokens, lossMask, logprobs, pieces, tokenizerNote }: { tokens: number[]; lossMask: number[]; logprobs?: number[]; pieces?: string[] | null; tokenizerNote?: string | null }) {
  const [split, setSplit] = useState<Split>("all");
  const [showAll, setShowAll] = useState(false);
  const promptLen = Math.max(0, tokens.length - lossMask.length);
  const trained = lossMask.filter((m) => m > 0).length;
  const untrained = lossMask.length - trained;
  const lps = logprobs ? logprobs.filter((lp, i) => (lossMask[i] ?? 0) > 0 && Number.isFinite(lp)) : [];
  const mean = lps.length ? lps.reduce((a, b) => a + b, 0) / lps.length : null;
  const min = lps.length ? Math.min(...lps) : null;
  const warnings: string[] = [];
  if (tokens.length < lossMask.length) warnings.push(`loss_mask (${lossMask.length}) is longer than tokens (${tokens.length})`);
  if (logprobs && logprobs.length !== lossMask.length) warnings.push(`rollout_log_probs has ${logprobs.length} values for ${lossMask.length} response tokens`);

  const items: { i: number; id: number; kind: "prompt" | "trained" | "untrained"; lp?: number }[] = [];
  tokens.forEach((id, i) => {
    if (i < promptLen) {
      if (split === "all") items.push({ i, id, kind: "prompt" });
      return;
    }
    const r = i - promptLen;
    const kind = (lossMask[r] ?? 0) > 0 ? "trained" : "untrained";
    if (split !== "all" && split !== kind) return;
    const lp = logprobs?.[r];
    items.push({ i, id, kind, lp: lp !== undefined && Number.isFinite(lp) ? lp : undefined });
  });
  const shown = showAll ? items : items.slice(0, LIMIT);

  return (
    <div data-testid="token-view" className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-3 text-xs text-zinc-700">
        <span data-testid="token-stats">
          prompt {promptLen} · response {lossMask.length} · <span className="text-green-800">trained {trained}</span> ·{" "}
          <span className="text-zinc-500">not trained {untrained}</span>
          {mean !== null && ` · mean logprob ${mean.toFixed(3)} · min ${min!.toFixed(3)}`}
        </span>
        <span className="flex gap-1">
          {(["all", "trained", "untrained"] as Split[]).map((s) => (
            <button key={s} data-testid={`token-split-${s}`} onClick={() => setSplit(s)} className={cn("rounded border px-2 py-0.5", split === s ? "border-indigo-400 bg-indigo-50" : "border-zinc-300")}>
              {s}
            </button>
          ))}
        </span>
        <span className="flex items-center gap-1">
          logprob <span className="inline-block h-3 w-16 rounded" style={{ background: `linear-gradient(to right, ${heat(0)}, ${heat(-2.5)}, ${heat(-5)})` }} /> 0 … −5
        </span>
      </div>
      {tokenizerNote && <p className="text-xs text-zinc-500">{tokenizerNote}</p>}
      {warnings.map((w) => (
        <p key={w} className="text-xs text-amber-800">{w}</p>
      ))}
      <div className="flex flex-wrap gap-px font-mono text-[11px] leading-4">
        {shown.map((t) => (
          <span
            key={t.i}
            data-kind={t.kind}
            title={`#${t.i} id ${t.id}${t.kind === "prompt" ? " (prompt)" : t.kind === "trained" ? " loss_mask 1" : " loss_mask 0 (not trained)"}${t.lp !== undefined ? ` logprob ${t.lp}` : ""}`}
            className={cn("whitespace-pre rounded-sm px-0.5", t.kind === "prompt" && "bg-zinc-100 text-zinc-400", t.kind === "untrained" && "bg-zinc-200 text-zinc-500 line-through decoration-zinc-400")}
            style={t.kind === "trained" ? { background: t.lp !== undefined ? heat(t.lp) : "#dcfce7" } : undefined}
          >
            {pieces?.[t.i] ?? t.id}
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
