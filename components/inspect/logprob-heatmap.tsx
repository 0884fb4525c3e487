"use client";
import { useMemo } from "react";
import { logprobDiff } from "@/lib/data/readers/logprob-diff";
import type { NormalizedSample, PerTokenKey } from "@/lib/data/types";
import { perTokenKeys } from "@/lib/data/types";
import { cn } from "@/components/ui/cn";

// A train dump's per-token values over the response: by default log_probs − rollout_log_probs
// (where the trainer disagrees with the rollout engine), or entropy / advantages / kl. Masked
// tokens are grey; hovering a token shows its id, text and every per-token value.

const metrics = ["diff", "entropy", "advantages", "kl", "log_probs", "ref_log_probs", "returns"] as const;
type Metric = (typeof metrics)[number];
const metricLabel: Record<Metric, string> = {
  diff: "log_probs − rollout_log_probs",
  entropy: "entropy",
  advantages: "advantages",
  kl: "kl",
  log_probs: "log_probs",
  ref_log_probs: "ref_log_probs",
  returns: "returns",
};

/** Diverging colour for signed values, sequential for the rest; |v| scaled by the sample's max. */
function colour(v: number, scale: number, signed: boolean): string {
  if (!Number.isFinite(v) || scale === 0) return "transparent";
  const t = Math.min(1, Math.abs(v) / scale);
  const a = (0.08 + 0.72 * t).toFixed(2);
  if (!signed) return `rgba(79, 70, 229, ${a})`;
  return v >= 0 ? `rgba(220, 38, 38, ${a})` : `rgba(37, 99, 235, ${a})`;
}

/** `metric` and `onMetric`: the URL's choice (a shared link opens on the same metric). */
export function LogprobHeatmap({ sample, pieces, metric: chosenMetric, onMetric }: { sample: NormalizedSample; pieces: string[] | null; metric: string | null; onMetric: (m: string) => void }) {
  const per = sample.per_token ?? {};
  const diff = useMemo(() => logprobDiff(sample), [sample]);
  const available = metrics.filter((m) => (m === "diff" ? diff !== null : Array.isArray(per[m as PerTokenKey])));
  const chosen = (metrics as readonly string[]).includes(chosenMetric ?? "") ? (chosenMetric as Metric) : null;
  const metric: Metric | undefined = chosen && available.includes(chosen) ? chosen : available[0];
  const values = metric === "diff" ? (diff?.diff ?? []) : ((metric && per[metric as PerTokenKey]) ?? []);
  const n = values.length;
  const tokens = sample.tokens ?? [];
  // Per-token arrays cover the response: the last n token ids.
  const offset = Math.max(0, tokens.length - n);
  const mask = sample.loss_mask ?? [];
  let scale = 0;
  for (let k = 0; k < n; k++) if (mask[k] !== 0 && Number.isFinite(values[k]!)) scale = Math.max(scale, Math.abs(values[k]!));
  const signed = metric === "diff" || metric === "advantages" || metric === "returns" || metric === "kl";
  if (!metric) return null;
  return (
    <section data-testid="logprob-heatmap" className="border-b border-zinc-200 px-4 py-2 text-xs">
      <div className="mb-1 flex flex-wrap items-center gap-2">
        <span className="font-semibold">Per token</span>
        {available.map((m) => (
          <button
            key={m}
            data-testid={`heatmap-metric-${m}`}
            data-selected={m === metric ? "true" : undefined}
            onClick={() => onMetric(m)}
            className={cn("rounded border px-1.5 py-0.5", m === metric ? "border-indigo-400 bg-indigo-50 text-indigo-900" : "border-zinc-300 text-zinc-600 hover:bg-zinc-50")}
          >
            {metricLabel[m]}
          </button>
        ))}
        {metric === "diff" && diff && (
          <span data-testid="heatmap-summary" className="text-zinc-600">
            max |Δ| {Number.isFinite(diff.max) ? diff.max.toFixed(4) : "—"}, mean |Δ| {Number.isFinite(diff.mean) ? diff.mean.toFixed(4) : "—"} over {diff.counted} loss-masked tokens
          </span>
        )}
        <span className="text-zinc-500">scale ±{scale.toPrecision(3)}; grey: masked (loss_mask 0)</span>
      </div>
      <div data-testid="heatmap-tokens" className="max-h-64 overflow-auto whitespace-pre-wrap break-all rounded border border-zinc-100 bg-white p-1 font-mono leading-5">
        {values.map((v, k) => {
          const id = tokens[offset + k];
          const text = pieces?.[offset + k] ?? (id === undefined ? "?" : `‹${id}›`);
          const masked = mask[k] === 0;
          const title = [
            `token ${k} (id ${id ?? "?"}) ${JSON.stringify(text)}${masked ? " — masked" : ""}`,
            ...(diff ? [`log_probs − rollout_log_probs: ${fmt(diff.diff[k])}`] : []),
            ...perTokenKeys.filter((key) => per[key]).map((key) => `${key}: ${fmt(per[key]![k])}`),
          ].join("\n");
          return (
            <span
              key={k}
              data-testid="heatmap-token"
              data-value={Number.isFinite(v) ? v : ""}
              title={title}
              style={{ background: masked ? undefined : colour(v, scale, signed) }}
              className={cn("mx-px inline-block min-w-[1.25rem] rounded-sm px-0.5 text-center", masked && "bg-zinc-200 text-zinc-400")}
            >
              {text}
            </span>
          );
        })}
      </div>
    </section>
  );
}

function fmt(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? "—" : String(Number(v.toPrecision(6)));
}
