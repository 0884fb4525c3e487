import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { torchPython } from "./readers/testing/torch-python";
import { grpoAdvantages } from "./grpo";

// The reference is torch itself: slime's and verl's formulas run in python3 + torch on the same
// rewards, and our float32 port must give the same advantages.
const python = torchPython();

const groups: number[][] = [
  [1, 0, 0, 0],
  [1, 1, 0, 0, 1, 0, 1, 1],
  [0.3, 0.7, 0.1, 1, 0, 0.25, 0.9, 0.33],
  [0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7], // all same, float32 mean 0.69999993: advantage 0.0596 each
  [0.1, 0.1, 0.1],
  [1, 1, 1, 1, 1, 1, 1, 1],
  [-1, 1, -1, 1, 0.5, -0.5, 0.25, 0.125, 1, -1, 0, 0, 1, 1, -1, 0.5],
  Array.from({ length: 64 }, (_, i) => (i * 37) % 5 === 0 ? 1 : (i % 3) * 0.25),
  [2.5, -3],
  [0.5],
  [1, Number.NaN, 1, 1], // Python's json writes NaN: one NaN reward makes the whole group NaN
  [1, Number.POSITIVE_INFINITY, 0, 1],
];
// Python's json dialect on the way in (NaN, Infinity), as a trainer's file would have it.
const pyJson = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === "number" && !Number.isFinite(x) ? `__${x}__` : x)).replace(/"__(NaN|-?Infinity)__"/g, "$1");

const script = `
import json, sys, torch
groups = json.load(sys.stdin)
out = []
for g in groups:
    r = torch.tensor(g, dtype=torch.float)
    # slime/ray/rollout.py _post_process_rewards (grpo, rewards_normalization, grpo_std_normalization)
    c = r - r.mean(dim=-1, keepdim=True)
    slime = (c / (c.std(dim=-1, keepdim=True) + 1e-6)).tolist()
    # verl core_algos.compute_grpo_outcome_advantage (norm_adv_by_std_in_grpo=True)
    if len(g) == 1:
        m, s = torch.tensor(0.0), torch.tensor(1.0)
    else:
        m, s = torch.mean(r), torch.std(r)
    verl = ((r - m) / (s + 1e-6)).tolist()
    out.append({"slime": slime, "verl": verl, "std": c.std().item() if len(g) > 1 else None})
print(json.dumps(out))
`;
let ref: { slime: number[]; verl: number[]; std: number | null }[] = [];

beforeAll(() => {
  if (!python) throw new Error("these tests need PyTorch: apt-get install python3-torch");
  const r = spawnSync(python, ["-c", script.replace(/NaN/g, "NaN")], { input: pyJson(groups), encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  ref = JSON.parse(r.stdout.replace(/NaN/g, "null")) as typeof ref;
}, 60_000);

// Same float32 value, or within a few float32 ulps where torch's vectorised sum order differs.
function close(a: number | null, b: number | null): boolean {
  if (a === null || b === null || Number.isNaN(a)) return (a === null || Number.isNaN(a)) && b === null;
  return Math.abs(a - b) <= 4e-7 * Math.max(1, Math.abs(b));
}

describe("grpoAdvantages", () => {
  it("matches slime's group normalization (torch, float32, unbiased std, + 1e-6)", () => {
    groups.forEach((g, i) => {
      const ours = grpoAdvantages(g, "slime");
      const bad = ours.advantages.filter((a, k) => !close(a, ref[i]!.slime[k]!));
      expect(bad, `group ${i} ${JSON.stringify(ours.advantages)} vs ${JSON.stringify(ref[i]!.slime)}`).toEqual([]);
      if (ref[i]!.std !== null) expect(close(ours.std, ref[i]!.std)).toBe(true);
    });
  });

  it("matches verl's compute_grpo_outcome_advantage, one-sample groups included", () => {
    groups.forEach((g, i) => {
      const ours = grpoAdvantages(g, "verl");
      expect(ours.advantages.every((a, k) => close(a, ref[i]!.verl[k]!)), `group ${i}`).toBe(true);
    });
  });

  it("a NaN or infinite reward makes every advantage NaN, and the group is not 'all same'", () => {
    for (const g of [grpoAdvantages([1, Number.NaN, 1, 1]), grpoAdvantages([1, Number.POSITIVE_INFINITY, 0, 1], "verl")]) {
      expect(g.all_same).toBe(false);
      expect(g.all_nan).toBe(true);
      expect(g.nonfinite).toBe(1);
      expect(g.advantages.every((a) => a !== null && Number.isNaN(a))).toBe(true);
    }
    expect(grpoAdvantages([1, null, 1]).all_same).toBe(true); // a missing reward is left out, not NaN
    expect(grpoAdvantages([0.5]).all_nan).toBe(true); // one sample: torch.std is NaN
  });

  it("reproduces the float32 artifact of an all-same group exactly and flags it", () => {
    const g = grpoAdvantages([0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]);
    expect(g.all_same).toBe(true);
    expect(g.std).toBe(0);
    expect(g.advantages[0]).toBe(ref[3]!.slime[0]);
    expect(g.advantages[0]).toBeCloseTo(0.0596, 4);
    const ones = grpoAdvantages([1, 1, 1, 1]);
    expect(ones.all_same).toBe(true);
    expect(ones.advantages).toEqual([0, 0, 0, 0]);
    expect(grpoAdvantages([1, 0, 1]).all_same).toBe(false);
  });

  it("says what happens to one sample: NaN under slime, score / (1 + 1e-6) under verl", () => {
    expect(Number.isNaN(grpoAdvantages([0.5], "slime").advantages[0])).toBe(true);
    expect(grpoAdvantages([0.5], "slime").note).toMatch(/NaN/);
    expect(grpoAdvantages([0.5], "verl").advantages[0]).toBeCloseTo(0.5, 5);
  });

  it("leaves samples without a reward out of the statistics", () => {
    const g = grpoAdvantages([1, null, 0, 0, 0]);
    expect(g.n).toBe(4);
    expect(g.advantages[1]).toBeNull();
    expect(g.advantages[0]).toBe(grpoAdvantages([1, 0, 0, 0]).advantages[0]);
    expect(grpoAdvantages([null, null]).mean).toBeNull();
  });

  it("without std normalization gives r - mean (Dr. GRPO)", () => {
    expect(grpoAdvantages([1, 0, 0, 0], "slime", false).advantages).toEqual([0.75, -0.25, -0.25, -0.25]);
  });
});
