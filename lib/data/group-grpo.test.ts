import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset } from "./dataset";
import { allSameRewardGroups, grpoAdvantages } from "./grpo";
import { rowQuerySchema } from "./query";
import { toJsonl } from "./testing/fixtures";

// The group view's advantages come from the row store's rewards of the whole group.
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "inspect-grpo-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function load(name: string, content: string): Promise<Dataset> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  const ds = new Dataset({ id: name, name, source: name, path: file, sizeBytes: fs.statSync(file).size, maxRecordBytes: 100_000, textCachePath: path.join(dir, `${name}.txt`), searchTimeoutMs: 10_000 });
  await ds.ready;
  return ds;
}

const sample = (group: number, reward: number | null) => ({ prompt: `Problem ${group}`, response: `answer ${reward}`, label: "1", reward, group_index: group, status: "completed" });

describe("group view advantages", () => {
  it("computes slime's advantages over the whole group and flags an all-same group", async () => {
    const ds = await load("grpo.jsonl", toJsonl([sample(0, 1), sample(0, 0), sample(0, 0), sample(0, 0), sample(1, 0.7), sample(1, 0.7), sample(1, 0.7), sample(2, 1), sample(2, null), sample(2, 0)]));
    const g0 = await ds.view.group(0);
    expect(g0.grpo?.convention).toBe("slime");
    expect(g0.grpo?.all_same).toBe(false);
    expect(g0.grpo?.std).toBeCloseTo(0.5, 6);
    expect(g0.grpo?.advantages[0]).toBeCloseTo(1.5, 4);
    expect(g0.grpo?.advantages[1]).toBeCloseTo(-0.5, 4);
    const g1 = await ds.view.group(1);
    expect(g1.grpo?.all_same).toBe(true);
    expect(g1.grpo?.advantages).toEqual(grpoAdvantages([0.7, 0.7, 0.7]).advantages);
    const g2 = await ds.view.group(2);
    expect(g2.grpo?.n).toBe(2);
    expect(g2.grpo?.advantages[1]).toBeNull();
    ds.close();
  });

  it("uses verl's convention for verl dumps", async () => {
    const verl = (score: number) => ({ input: "user: 2+2?\nassistant:", output: `${score}`, gts: "4", score, step: 1 });
    const ds = await load("verl.jsonl", toJsonl([verl(1), verl(0)]));
    const g = await ds.view.group(0);
    expect(g.grpo?.convention).toBe("verl");
    expect(g.grpo?.advantages[0]).toBeCloseTo(0.7071, 3);
    ds.close();
  });
});

describe("all-same-reward filter", () => {
  it("lists only rows of groups with 2+ samples whose rewards are all equal", async () => {
    const rows = [sample(0, 1), sample(0, 0), sample(1, 0.5), sample(1, 0.5), sample(2, 1), sample(3, null), sample(3, null), sample(4, 0), sample(4, 0), sample(4, 0)];
    const ds = await load("same.jsonl", toJsonl(rows));
    const page = await ds.view.page(rowQuerySchema.parse({ same: "1" }), 0, 100);
    expect(page.rows.map((r) => r.row)).toEqual([2, 3, 7, 8, 9]);
    expect((await ds.view.page(rowQuerySchema.parse({}), 0, 100)).matched).toBe(10);
    ds.close();
  });

  it("reads only the rows in use, not the store's spare capacity", () => {
    expect([...allSameRewardGroups(new Int32Array([0, 0, 1, 0, 0]), new Float64Array([1, 1, 2, 0, 0]), 3)]).toEqual([1, 0]);
  });
});
