"use client";
import { useEffect, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Spinner } from "@/components/ui/spinner";
import type { PromptSteps, StepStats } from "@/lib/data/types";
import { api } from "./api";
import { verdictOf, verdictStyle } from "./verdict";

/**
 * "Over steps": one prompt across the training steps of a step folder (verl {step}.jsonl files,
 * slime dumps per rollout id). Per-step trends (reward, scored, pass rate, length, entropy,
 * |Δlogp|) for the prompt and for all prompts, then one column per step with its answers.
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
          <div className="max-h-16 shrink-0 overflow-auto whitespace-pre-wrap break-words border-b border-zinc-200 bg-zinc-50 px-4 py-2 text-xs" data-testid="steps-prompt">
            {data.prompt}
          </div>
          <div className="flex max-h-[40%] shrink-0 flex-col gap-0.5 overflow-auto border-b border-zinc-200 px-4 py-1">
            <MissingScores steps={data.steps} />
            {data.steps.length > 0 && <StepTrends steps={data.steps} />}
          </div>
          {data.steps.length <= 1 && <p className="px-4 py-2 text-xs text-zinc-500">This prompt appears at one step only: open a folder of step files (verl {"{step}"}.jsonl, slime dumps) to see it change over training.</p>}
          <div data-testid="steps-strip" className="flex min-h-[10rem] min-w-0 flex-1 gap-3 overflow-x-auto overflow-y-hidden p-3">
            {data.steps.map((st) => (
              <div key={st.group} data-testid={`step-column-${st.step ?? "none"}`} className="flex min-h-0 w-[min(22rem,80%)] shrink-0 flex-col rounded-md border border-zinc-200 bg-white">
                <div className="flex flex-wrap items-center justify-between gap-x-2 gap-y-0.5 border-b border-zinc-100 px-3 py-1.5 text-xs">
                  <span className="font-semibold">step {st.step ?? "—"}</span>
                  <span data-testid="step-mean" className="min-w-0 text-right" title="The mean counts scored answers only; answers without a score are counted apart">
                    {st.mean_reward === null ? "no score" : `mean ${st.mean_reward.toFixed(3)}`} · {scoredText(st.stats, " scored")}
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

/** "5 of 8 · 3 null": how many answers the mean counts, and the unscored ones beside it. */
function scoredText(st: StepStats, suffix = ""): string {
  return `${st.scored} of ${st.rows}${suffix}${st.unscored ? ` · ${st.unscored} null` : ""}${st.nonfinite ? ` · ${st.nonfinite} NaN/inf` : ""}`;
}

const f3 = (v: number | null) => (v === null ? "—" : v.toFixed(3));
const fLen = (v: number | null) => (v === null ? "—" : Number.isInteger(v) ? String(v) : v.toFixed(1));
const rate = (st: StepStats) => (st.judged ? st.passed / st.judged : null);

type Stepped = PromptSteps["steps"][number];
interface Trend {
  key: string;
  label: string;
  title: string;
  /** This prompt at the step; the whole step (every prompt) beside it. */
  prompt: (s: Stepped) => string;
  step: (s: Stepped) => string;
  /** What the sparkline draws (null: no point at that step). */
  value?: (st: StepStats) => number | null;
  /** Shown only when some step has it (entropy and |Δlogp| come from train dumps). */
  present?: (st: StepStats) => boolean;
}

const trends: Trend[] = [
  { key: "reward", label: "reward", title: "mean reward over the scored answers", prompt: (s) => f3(s.stats.mean_reward), step: (s) => f3(s.all?.mean_reward ?? null), value: (st) => st.mean_reward },
  { key: "scored", label: "scored", title: "answers with a score, of all answers; null and NaN scores are not in the mean", prompt: (s) => scoredText(s.stats), step: (s) => (s.all ? scoredText(s.all) : "—") },
  {
    key: "pass",
    label: "pass rate",
    title: "answers judged right (acc, else reward > 0) of those judged",
    prompt: (s) => (s.stats.judged ? `${s.stats.passed} / ${s.stats.judged}` : "—"),
    step: (s) => (s.all?.judged ? `${s.all.passed} / ${s.all.judged}` : "—"),
    value: rate,
  },
  { key: "prompts", label: "prompts passing", title: "prompts with at least one answer judged right, of the prompts judged at this step", prompt: (s) => (s.stats.judged ? (s.stats.passed ? "yes" : "no") : "—"), step: (s) => (s.all?.prompts ? `${s.all.prompts_passing} of ${s.all.prompts}` : "—") },
  { key: "length", label: "resp len", title: "mean response length (tokens; ch: characters)", prompt: (s) => fLen(s.stats.mean_length) + (s.stats.length_in_chars ? " ch" : ""), step: (s) => fLen(s.all?.mean_length ?? null) + (s.all?.length_in_chars ? " ch" : ""), value: (st) => st.mean_length },
  { key: "entropy", label: "entropy", title: "mean per-token entropy over the loss-masked tokens (train dumps)", prompt: (s) => f3(s.stats.mean_entropy), step: (s) => f3(s.all?.mean_entropy ?? null), value: (st) => st.mean_entropy, present: (st) => st.mean_entropy !== null },
  { key: "lp", label: "|Δlogp|", title: "mean |log_probs − rollout_log_probs| over the loss-masked tokens (train dumps)", prompt: (s) => f3(s.stats.mean_lp), step: (s) => f3(s.all?.mean_lp ?? null), value: (st) => st.mean_lp, present: (st) => st.mean_lp !== null },
];

/**
 * Per-step trends: one row per metric with a sparkline (this prompt solid, the whole step dashed),
 * then each step's value for this prompt and, in grey, for the whole step.
 */
function StepTrends({ steps }: { steps: Stepped[] }) {
  const shown = trends.filter((t) => !t.present || steps.some((s) => t.present!(s.stats) || (s.all && t.present!(s.all))));
  const key = (s: Stepped) => s.step ?? "none";
  return (
    <div data-testid="steps-trends" className="min-w-0 max-w-full overflow-x-auto">
      <table className="border-separate border-spacing-x-2 text-xs">
        <thead>
          <tr className="text-[10px] uppercase text-zinc-500">
            <th className="sticky left-0 bg-white text-left font-semibold">per step</th>
            <th className="whitespace-nowrap text-left font-normal normal-case">
              <span className="text-indigo-600">this prompt</span> · <span className="text-zinc-400">all prompts</span>
            </th>
            {steps.map((s) => (
              <th key={s.group} className="whitespace-nowrap text-right font-semibold">
                step {s.step ?? "—"}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((t) => (
            <tr key={t.key} data-testid={`trend-row-${t.key}`} className="leading-5">
              <td className="sticky left-0 whitespace-nowrap bg-white font-semibold text-zinc-600" title={t.title}>
                {t.label}
              </td>
              <td>{t.value ? <Sparkline testId={`trend-spark-${t.key}`} steps={steps} value={t.value} label={t.label} points={t.key === "reward"} /> : null}</td>
              {steps.map((s) => (
                <td key={s.group} className="whitespace-nowrap text-right font-mono">
                  <span data-testid={`trend-${t.key}-${key(s)}`}>{t.prompt(s)}</span>
                  {s.all && (
                    <span data-testid={`trend-step-${t.key}-${key(s)}`} className="ml-1.5 text-[10px] text-zinc-400" title="every prompt at this step">
                      {t.step(s)}
                    </span>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A metric over the steps: this prompt solid, the whole step dashed; steps without a value are gaps. */
function Sparkline({ steps, value, label, testId, points }: { steps: Stepped[]; value: (st: StepStats) => number | null; label: string; testId: string; points?: boolean }) {
  const W = 110;
  const H = 20;
  const series = [steps.map((s) => value(s.stats)), steps.map((s) => (s.all ? value(s.all) : null))];
  const all = series.flat().filter((v): v is number => v !== null);
  if (!all.length) return <span className="text-[10px] text-zinc-400">no values</span>;
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const x = (i: number) => (steps.length === 1 ? W / 2 : 3 + (i / (steps.length - 1)) * (W - 6));
  const y = (v: number) => (hi === lo ? H / 2 : 3 + (1 - (v - lo) / (hi - lo)) * (H - 6));
  // Split at missing values so a gap is drawn as a gap, not bridged.
  const runs = (vals: (number | null)[]) => {
    const out: string[] = [];
    let cur: string[] = [];
    vals.forEach((v, i) => {
      if (v === null) {
        if (cur.length) out.push(cur.join(" "));
        cur = [];
      } else cur.push(`${x(i)},${y(v)}`);
    });
    if (cur.length) out.push(cur.join(" "));
    return out;
  };
  return (
    <svg data-testid={testId} viewBox={`0 0 ${W} ${H}`} className="h-5 w-[110px]" role="img" aria-label={`${label} by step`}>
      {runs(series[1]!).map((pts, k) => (
        <polyline key={`s${k}`} points={pts} fill="none" strokeWidth={1.5} strokeDasharray="3 2" className="stroke-zinc-400" />
      ))}
      {runs(series[0]!).map((pts, k) => (
        <polyline key={`p${k}`} points={pts} fill="none" strokeWidth={2} className="stroke-indigo-500" />
      ))}
      {series[0]!.map((v, i) =>
        v === null ? null : (
          <circle key={i} cx={x(i)} cy={y(v)} r={2} className="fill-indigo-600" {...(points ? { "data-testid": "steps-chart-point", "data-step": steps[i]!.step ?? i, "data-mean": v } : {})}>
            <title>{`step ${steps[i]!.step ?? "—"}: ${label} ${Number.isInteger(v) ? v : v.toFixed(3)}`}</title>
          </circle>
        ),
      )}
    </svg>
  );
}

/** Steps where this prompt has no score at all: left out of the reward line, and said so. */
function MissingScores({ steps }: { steps: Stepped[] }) {
  const missing = steps.filter((s) => s.mean_reward === null);
  if (!missing.length) return null;
  return (
    <p data-testid="steps-chart-missing" className="text-[11px] text-amber-800">
      no score at step{missing.length === 1 ? "" : "s"} {missing.map((s) => s.step ?? "—").join(", ")}
    </p>
  );
}
