"use client";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import type { GroupAdvantages } from "@/lib/data/grpo";

function fmt(x: number | null): string {
  if (x === null) return "—";
  if (Number.isNaN(x)) return "NaN";
  return Math.abs(x) !== 0 && Math.abs(x) < 1e-3 ? x.toExponential(2) : x.toFixed(3);
}

/** The group's GRPO statistics for the group header: std, the convention, "all same reward". */
export function GroupAdvantageStats({ grpo }: { grpo: GroupAdvantages | undefined }) {
  if (!grpo) return null;
  return (
    <>
      <span data-testid="group-std" title={`unbiased std (torch.std) of the ${grpo.n} rewards, float32`}>
        {/* JSON carries NaN as null: a NaN group says NaN, not "—". */}
        std {fmt(grpo.all_nan && grpo.std === null && grpo.n > 0 ? Number.NaN : grpo.std)}
      </span>
      {grpo.nonfinite > 0 && (
        <Badge tone="red" data-testid="group-nonfinite" title={grpo.note}>
          {grpo.nonfinite} NaN/Inf reward{grpo.nonfinite > 1 ? "s" : ""} · every advantage NaN
        </Badge>
      )}
      {grpo.all_same && (
        <Badge tone="amber" data-testid="group-all-same" title="Every sample has the same reward: std 0, so GRPO gives this group no learning signal">
          all same reward · teaches nothing
        </Badge>
      )}
      <span data-testid="group-adv-note" className="max-w-[28rem] truncate text-xs text-zinc-500" title={`${grpo.note}. Advantage = (r − group mean) / (std + ${grpo.epsilon}) as ${grpo.convention} computes it.`}>
        advantage as {grpo.convention}: {grpo.note}
      </span>
    </>
  );
}

/**
 * One sample's GRPO advantage, signed and coloured; NaN said as such. JSON carries NaN as null, so
 * `nan` says this sample's advantage is NaN (a one-sample slime group, a group with a NaN reward).
 */
export function AdvantageChip({ value: v, nan: isNan = false }: { value: number | null | undefined; nan?: boolean }) {
  if (v === undefined) return null;
  const value = isNan ? Number.NaN : v;
  const nan = value !== null && Number.isNaN(value);
  return (
    <span
      data-testid="group-advantage"
      data-value={value === null ? "" : String(value)}
      title={nan ? "NaN: the group's mean or std is NaN (one sample, or a NaN reward in the group)" : "GRPO advantage: (reward − group mean) / (group std + 1e-6)"}
      className={cn("rounded px-1 font-mono text-[11px]", value === null || nan ? "bg-zinc-100 text-zinc-500" : value > 0 ? "bg-green-50 text-green-800" : value < 0 ? "bg-red-50 text-red-800" : "bg-zinc-100 text-zinc-600")}
    >
      A {value !== null && value > 0 ? "+" : ""}
      {fmt(value)}
    </span>
  );
}
