import { describe, expect, it } from "vitest";
import { labelCoverage } from "./label-coverage";
import type { NormalizedSample } from "./types";

const fake = (labels: (string | null)[]) => ({
  sample: async (row: number) => ({ sample: { label: labels[row] ?? null } as NormalizedSample }),
});

describe("labelCoverage", () => {
  it("a file with no labels: every row is missing one", async () => {
    const c = await labelCoverage(fake([null, null, "  ", null]), [0, 1, 2, 3]);
    expect(c).toEqual({ total: 4, checked: 4, missing: 4, examples: [0, 1, 2, 3] });
  });
  it("names the rows that lack one, in scope order", async () => {
    const c = await labelCoverage(fake(["1", null, "3", null, "5"]), [4, 3, 2, 1, 0]);
    expect(c.missing).toBe(2);
    expect(c.examples).toEqual([3, 1]);
  });
  it("reads at most `limit` rows and says so", async () => {
    const c = await labelCoverage(fake(["a", "b", null, null]), [0, 1, 2, 3], { limit: 2 });
    expect(c).toEqual({ total: 4, checked: 2, missing: 0, examples: [] });
  });
});
