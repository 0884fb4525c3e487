"use client";
import { useEffect, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/spinner";
import type { PromptSteps } from "@/lib/data/types";
import { api } from "./api";
import { verdictOf, verdictStyle } from "./verdict";

/**
 * "Over steps": one prompt across the training steps of a step folder (verl {step}.jsonl files,
 * slime dumps per rollout id). A chart of the prompt's mean score by step, then one column per
 * step with its answers and their scores, side by side.
 */
export function StepsView({ datasetId, row, onOpen, onClose }: { datasetId: string; row: number; onOpen: (row: number) => void; onClose: () => void }) {
  const [data, setData] = useState<PromptSteps | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setData(null);
    setError(null);
    void api.steps(datasetId, row).then((r) => {
      if (!live) return;
      if (r.ok) setData(r.value);
      else setError(r.error.message);
    });
    return () => {
      live = false;
    };
  }, [datasetId, row]);

  return (
    <div data-testid="steps-view" className="flex min-h-0 min-w-0 flex-1 flex-col">
      <div className="flex shrink-0 flex-wrap items-center gap-x-4 gap-y-1 border-b border-zinc-200 bg-white px-4 py-2 text-sm">
        <span className="font-semibold">Over steps</span>
        {data && (
          <span data-testid="steps-count">
            {data.steps.length} step{data.steps.length === 1 ? "" : "s"} with this prompt
          </span>
        )}
        {data?.label != null && (
          <span className="max-w-[12rem] truncate text-xs text-zinc-500" title={data.label}>
            label {data.label}
          </span>
        )}
        <Button size="sm" className="ml-auto" onClick={onClose} data-testid="close-steps" title="Escape">
          Back to sample
        </Button>
      </div>
      {error && <p className="p-4 text-sm text-red-700">{error}</p>}
      {!data && !error && (
        <p className="flex items-center gap-2 p-4 text-sm text-zinc-500">
          <Spinner /> following row {row}&apos;s prompt across steps…
        </p>
      )}
      {data && (
        <>
          <div className="max-h-20 shrink-0 overflow-auto whitespace-pre-wrap break-words border-b border-zinc-200 bg-zinc-50 px-4 py-2 text-xs" data-testid="steps-prompt">
            {data.prompt}
          </div>
          <div className="shrink-0 border-b border-zinc-100 px-4 py-2">
            <MeanScoreChart steps={data.steps} />
          </div>
          {data.steps.length <= 1 && <p className="px-4 py-2 text-xs text-zinc-500">This prompt appears at one step only: open a folder of step files (verl {"{step}"}.jsonl, slime dumps) to see it change over training.</p>}
          <div data-testid="steps-strip" className="flex min-h-0 min-w-0 flex-1 gap-3 overflow-x-auto overflow-y-hidden p-3">
            {data.steps.map((st) => (
              <div key={st.group} data-testid={`step-column-${st.step ?? "none"}`} className="flex min-h-0 w-[min(22rem,80%)] shrink-0 flex-col rounded-md border border-zinc-200 bg-white">
                <div className="flex items-center justify-between gap-2 border-b border-zinc-100 px-3 py-1.5 text-xs">
                  <span className="font-semibold">step {st.step ?? "—"}</span>
                  <span data-testid="step-mean">
                    mean {st.mean_reward === null ? "—" : st.mean_reward.toFixed(3)} · {st.rows.length} answer{st.rows.length === 1 ? "" : "s"}
                  </span>
                </div>
                <div className="min-h-0 flex-1 space-y-2 overflow-auto p-2">
                  {st.samples.map((s) => (
                    <div key={s.row} data-testid={`step-sample-${s.row}`} className={cn("rounded border p-2 text-xs", s.row === data.row ? "border-indigo-400 ring-2 ring-indigo-100" : "border-zinc-200")}>
                      <button className="mb-1 flex w-full items-center justify-between gap-2 text-left hover:underline" onClick={() => onOpen(s.row)} title="Open this sample">
                        <span className="text-zinc-500">
                          row {s.row} · {s.status ?? "—"}
                        </span>
                        <Badge tone={verdictStyle[verdictOf(s)].badge} data-testid="step-score">
                          {s.reward ?? "—"}
                        </Badge>
                      </button>
                      <pre className="max-h-48 overflow-auto whitespace-pre-wrap break-words font-mono text-[11px] text-zinc-800">
                        {s.response}
                        {s.response_cut && <span className="text-zinc-400"> … (cut; open the sample for the whole answer)</span>}
                      </pre>
                    </div>
                  ))}
                  {st.rows.length > st.samples.length && <p className="text-[11px] text-zinc-500">+{st.rows.length - st.samples.length} more at this step</p>}
                </div>
              </div>
            ))}
          </div>
        </>
      )}
    </div>
  );
}

/** The prompt's mean score per step as a small line chart (SVG, no chart library). */
export function MeanScoreChart({ steps }: { steps: PromptSteps["steps"] }) {
  const pts = steps.filter((s) => s.mean_reward !== null).map((s, i) => ({ x: s.step ?? i, y: s.mean_reward! }));
  if (!pts.length) return <p className="text-xs text-zinc-500">no scores to chart</p>;
  const W = 600;
  const H = 90;
  const pad = { l: 34, r: 8, t: 8, b: 18 };
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y0 = Math.min(0, ...ys);
  const y1 = Math.max(1, ...ys);
  const sx = (x: number) => pad.l + (x1 === x0 ? (W - pad.l - pad.r) / 2 : ((x - x0) / (x1 - x0)) * (W - pad.l - pad.r));
  const sy = (y: number) => pad.t + (1 - (y - y0) / (y1 - y0)) * (H - pad.t - pad.b);
  return (
    <svg data-testid="steps-chart" viewBox={`0 0 ${W} ${H}`} className="h-[90px] w-full max-w-3xl" role="img" aria-label="mean score by step">
      <line x1={pad.l} x2={W - pad.r} y1={sy(y0)} y2={sy(y0)} className="stroke-zinc-300" />
      <line x1={pad.l} x2={pad.l} y1={pad.t} y2={H - pad.b} className="stroke-zinc-300" />
      <text x={pad.l - 4} y={sy(y1) + 4} textAnchor="end" className="fill-zinc-500 text-[10px]">{y1}</text>
      <text x={pad.l - 4} y={sy(y0)} textAnchor="end" className="fill-zinc-500 text-[10px]">{y0}</text>
      <polyline fill="none" strokeWidth={2} className="stroke-indigo-500" points={pts.map((p) => `${sx(p.x)},${sy(p.y)}`).join(" ")} />
      {pts.map((p) => (
        <g key={p.x} data-testid="steps-chart-point" data-step={p.x} data-mean={p.y}>
          <circle cx={sx(p.x)} cy={sy(p.y)} r={3.5} className="fill-indigo-600">
            <title>{`step ${p.x}: mean score ${p.y.toFixed(3)}`}</title>
          </circle>
          <text x={sx(p.x)} y={H - 4} textAnchor="middle" className="fill-zinc-500 text-[10px]">{p.x}</text>
        </g>
      ))}
    </svg>
  );
}
