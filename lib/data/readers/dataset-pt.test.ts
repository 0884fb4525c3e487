import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset } from "@/lib/data/dataset";
import { rowQuerySchema } from "@/lib/data/query";
import { makeDumpsScript, torchPython } from "./testing/torch-python";

// The readers through the Dataset seam: a .pt dump and folders open like any dataset in Inspect.
let dir: string;
beforeAll(() => {
  const python = torchPython();
  if (!python) throw new Error("these tests need PyTorch: apt-get install python3-torch");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pt-dataset-"));
  const r = spawnSync(python, [makeDumpsScript, dir, "rollout", "train", "verl"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
async function open(rel: string): Promise<Dataset> {
  const p = path.join(dir, rel);
  const st = fs.statSync(p);
  const ds = new Dataset({ id: `d${n++}`, name: path.basename(p), source: rel, path: p, sizeBytes: st.isDirectory() ? 1 : st.size, maxRecordBytes: 1e8, textCachePath: path.join(dir, `t${n}.txt`), searchTimeoutMs: 10_000 });
  await ds.ready;
  return ds;
}

describe("dumps through the Dataset", () => {
  it("indexes a rollout dump and reads its samples with token arrays", async () => {
    const ds = await open("rollout_data/1.pt");
    expect(ds.info()).toMatchObject({ container: "pt", detected: "slime", rows: 8, groups: 2, problems: 0, has_tokens: true, error: null });
    const { sample } = await ds.sample(5);
    expect(sample).toMatchObject({ index: 5, group_index: 1, step: 1, reward: 0 });
    expect(sample.tokens).toHaveLength(16);
    expect(sample.rollout_log_probs?.[1]).toBe(-0.51);
    ds.close();
  });

  it("indexes a folder of dumps: groups stay within their rollout id", async () => {
    const ds = await open("rollout_data");
    expect(ds.info()).toMatchObject({ container: "folder", rows: 16, groups: 4, error: null });
    expect((await ds.sample(9)).sample).toMatchObject({ step: 1, group_index: 0 });
    ds.close();
  });

  it("indexes a train dump with its per-token values", async () => {
    const ds = await open("train_data/0.pt");
    expect(ds.info()).toMatchObject({ container: "pt", rows: 8, error: null });
    const { sample } = await ds.sample(7);
    expect(sample.per_token?.log_probs).toHaveLength(sample.response_length!);
    expect(sample.per_token?.entropy?.[0]).toBe(0.100097656);
    ds.close();
  });

  it("sorts a train dump by its trainer-vs-rollout logprob gap and filters 'mismatch above X'", async () => {
    const ds = await open("train_data/0.pt");
    const byGap = await ds.view.page(rowQuerySchema.parse({ sort: "lp_max", desc: "1" }), 0, 10);
    // make_dumps.py moves one token of sample i by 0.05 * (i + 1).
    expect(byGap.rows.map((r) => r.index)).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
    expect(byGap.rows[0]!.lp_max).toBeCloseTo(0.4, 5);
    expect(byGap.rows[0]!.lp_mean).toBeCloseTo(0.4 / 5, 5); // sample 7: 6 response tokens, one masked
    const above = await ds.view.page(rowQuerySchema.parse({ lpmin: "0.28" }), 0, 10);
    expect(above.rows.map((r) => r.index)).toEqual([5, 6, 7]);
    // A rollout dump has no such column.
    const rollout = await open("rollout_data/0.pt");
    expect((await rollout.view.page(rowQuerySchema.parse({}), 0, 1)).rows[0]!.lp_max).toBeUndefined();
    ds.close();
    rollout.close();
  });

  it("indexes a verl step folder with a step per row", async () => {
    const ds = await open("verl_rollouts");
    expect(ds.info()).toMatchObject({ container: "folder", detected: "verl", rows: 12, error: null });
    expect((await ds.sample(11)).sample).toMatchObject({ step: 10, response: "step 10 answer 3" });
    ds.close();
  });

  it("reports a refused pickle as the dataset's error", async () => {
    const ds = await open("evil_zip.pt");
    expect(ds.info().error).toMatch(/global posix\.system, which a safe loader/);
    expect(ds.info().rows).toBe(0);
    ds.close();
  });
});
