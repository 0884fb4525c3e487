"use client";
import type { NonFiniteName } from "@/lib/data/types";

/**
 * A recorded reward. NaN and ±Infinity (Python's json writes them) are shown by name and marked:
 * in slime one such reward makes every advantage of its group NaN.
 */
export function RewardValue({ reward, special, format = String }: { reward: number | null; special?: NonFiniteName | undefined; format?: (x: number) => string }) {
  if (special)
    return (
      <span data-testid="reward-nonfinite" className="rounded bg-red-100 px-1 font-semibold text-red-800" title={`reward is ${special}: slime's GRPO gives every sample of this group a NaN advantage`}>
        {special}
      </span>
    );
  return <>{reward === null ? "—" : format(reward)}</>;
}
