// GRPO group advantages as the trainers compute them, for the group view. No Node APIs here.
//
// slime (slime/ray/rollout.py `_post_process_rewards`, --advantage-estimator grpo with
// --rewards-normalization and --grpo-std-normalization): rewards as a float32 tensor,
// centered = r - mean(r), adv = centered / (centered.std() + 1e-6). torch.std is the unbiased
// (n - 1) estimator, so a group of one sample has std NaN and its advantage is NaN.
// verl (`compute_grpo_outcome_advantage`): adv = (score - mean) / (std + 1e-6), also float32 and
// unbiased, but a group of one sample gets mean 0 and std 1 (adv = score / (1 + 1e-6)).
//
// Both divide by std + epsilon, so a group whose rewards are all equal has std 0 and
// advantage (r - mean) / 1e-6: zero when the float32 mean is exact, but the float32 mean of
// seven 0.7 rewards is 0.69999993, and every sample then gets 0.0596 under slime (0.0560 under
// verl, whose std is taken on the raw scores: 6.4e-8, not 0). We compute in float32 like
// torch so the number shown is the number the trainer used, and flag such groups ("all same
// reward": they teach nothing; slime counts them as zero_std/count_<reward>).

export const grpoConventions = ["slime", "verl"] as const;
export type GrpoConvention = (typeof grpoConventions)[number];
export const GRPO_EPSILON = 1e-6;

export interface GroupAdvantages {
  convention: GrpoConvention;
  /** Samples with a reward (the ones the trainer normalizes over). */
  n: number;
  mean: number | null;
  /** Unbiased std (torch.std); NaN for one sample under slime's formula, null when n = 0. */
  std: number | null;
  epsilon: number;
  /** Every reward is exactly equal (std 0): the group gives no learning signal. */
  all_same: boolean;
  /** Per input reward; null where the reward is missing; NaN where torch gives NaN. */
  advantages: (number | null)[];
  /**
   * Every advantage is NaN (JSON carries NaN as null, so this says it): a one-sample group under
   * slime, or a group with a NaN / ±Infinity reward (the mean is then NaN or infinite).
   */
  all_nan: boolean;
  /** Rewards that are NaN or ±Infinity. */
  nonfinite: number;
  /** One sentence on how the numbers were obtained, shown in the view. */
  note: string;
}

const f = Math.fround;

/** torch's float32 CPU sum, modelled: 8 float32 lanes filled round-robin, then added in order. */
function sum32(xs: number[]): number {
  const lanes = new Array<number>(8).fill(0);
  xs.forEach((x, i) => {
    lanes[i % 8] = f(lanes[i % 8]! + f(x));
  });
  return lanes.reduce((s, x) => f(s + x), 0);
}

/**
 * torch.std (unbiased), modelled: deviations from the float32 mean (so seven equal 0.7 rewards have
 * std 6.4e-8, not 0), squared and summed in double, rounded to float32.
 */
function std32(xs: number[]): number {
  if (xs.length < 2) return Number.NaN;
  const m = f(sum32(xs) / xs.length);
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return f(Math.sqrt(ss / (xs.length - 1)));
}

export function grpoAdvantages(rewards: (number | null)[], convention: GrpoConvention = "slime", normalizeStd = true): GroupAdvantages {
  const present = rewards.filter((r): r is number => r !== null && Number.isFinite(r)).map(f);
  const nonfinite = rewards.filter((r) => r !== null && !Number.isFinite(r)).length;
  if (nonfinite > 0) {
    // torch: mean over a NaN (or ±Infinity) is NaN (or infinite), so r − mean and std are NaN for every sample.
    const names = [...new Set(rewards.filter((r): r is number => r !== null && !Number.isFinite(r)).map(String))].join(" / ");
    return {
      convention, n: present.length + nonfinite, mean: Number.NaN, std: Number.NaN, epsilon: GRPO_EPSILON, all_same: false,
      advantages: rewards.map((r) => (r === null ? null : Number.NaN)), all_nan: true, nonfinite,
      note: `${nonfinite} reward(s) ${names}: the group mean is not finite, so ${convention} gives every advantage in this group NaN`,
    };
  }
  const n = present.length;
  const all_same = n > 0 && present.every((r) => r === present[0]);
  if (n === 0) return { convention, n, mean: null, std: null, epsilon: GRPO_EPSILON, all_same: false, advantages: rewards.map(() => null), all_nan: false, nonfinite, note: "no rewards in this group" };
  const eps = f(GRPO_EPSILON);
  let mean: number;
  let std: number;
  let note: string;
  if (convention === "verl" && n === 1) {
    mean = 0;
    std = 1;
    note = "one sample: verl uses mean 0 and std 1, so the advantage is the score / (1 + 1e-6)";
  } else {
    mean = f(sum32(present) / n);
    std = convention === "slime" ? std32(present.map((r) => f(r - mean))) : std32(present);
    note = n === 1 ? "one sample: torch.std (unbiased, n - 1) is NaN, so slime's advantage is NaN" : all_same ? "all rewards equal: std 0, advantage = (r − mean) / 1e-6" : `(r − mean) / (std + 1e-6), float32, unbiased std (torch.std), as ${convention} computes it`;
  }
  const advantages = rewards.map((r) => {
    if (r === null || !Number.isFinite(r)) return null;
    const c = f(f(r) - mean);
    return normalizeStd ? f(c / f(std + eps)) : c;
  });
  return { convention, n, mean, std, epsilon: GRPO_EPSILON, all_same, advantages, all_nan: advantages.some((a) => a !== null && Number.isNaN(a)), nonfinite, note };
}

/**
 * Per group id: 1 when the group has 2+ samples and every reward is the same (slime's zero-std
 * groups; a one-sample group is left out, or a file without groups would be all flagged).
 */
export function allSameRewardGroups(group: ArrayLike<number>, reward: ArrayLike<number>, rows = group.length): Uint8Array {
  let max = -1;
  for (let i = 0; i < rows; i++) if (group[i]! > max) max = group[i]!;
  const first = new Float64Array(max + 1);
  const count = new Uint32Array(max + 1);
  const differs = new Uint8Array(max + 1);
  for (let i = 0; i < rows; i++) {
    const g = group[i]!;
    if (g < 0) continue;
    const r = reward[i]!;
    if (count[g] === 0) first[g] = r;
    else if (!(r === first[g])) differs[g] = 1; // NaN (no reward) never counts as the same
    count[g] = count[g]! + 1;
  }
  const out = new Uint8Array(max + 1);
  for (let g = 0; g <= max; g++) out[g] = count[g]! >= 2 && !differs[g] && !Number.isNaN(first[g]!) ? 1 : 0;
  return out;
}
