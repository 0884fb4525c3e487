import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset } from "./dataset";
import { promptSteps } from "./prompt-steps";
import { rowQuerySchema } from "./query";
import { torchPython } from "./readers/testing/torch-python";
import { toJsonl } from "./testing/fixtures";

// A folder of verl {step}.jsonl files and a folder of slime rollout dumps (written by torch), each
// opened as one dataset; one prompt followed across the steps.
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "inspect-steps-"));
  fs.mkdirSync(path.join(dir, "verl"));
  for (const step of [10, 20, 30]) {
    const rows = [];
    for (const p of ["What is 2+2?", "What is 3*3?"]) for (let k = 0; k < 4; k++) {
      // prompt 2+2 gets better with training: 1, 2, then 4 right answers out of 4
      const right = p.startsWith("What is 2") ? k < step / 10 + (step === 30 ? 1 : 0) : k === 0;
      rows.push({ input: `user: ${p}\nassistant:`, output: `step ${step} answer ${k}: ${right ? "\\boxed{ok}" : "\\boxed{no}"}`, gts: "ok", score: right ? 1 : 0, step });
    }
    fs.writeFileSync(path.join(dir, "verl", `${step}.jsonl`), toJsonl(rows));
  }
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
async function open(p: string): Promise<Dataset> {
  const ds = new Dataset({ id: `s${n++}`, name: path.basename(p), source: p, path: p, sizeBytes: 1, maxRecordBytes: 1e7, textCachePath: path.join(dir, `t${n}.txt`), searchTimeoutMs: 10_000 });
  await ds.ready;
  return ds;
}

describe("promptSteps", () => {
  it("follows a verl prompt across step files with its mean score per step", async () => {
    const ds = await open(path.join(dir, "verl"));
    expect(ds.info()).toMatchObject({ container: "folder", rows: 24, groups: 6, error: null });
    const start = 17; // the second "2+2?" row of step 30 (rows 16-19)
    const v = await promptSteps(ds, start, 2);
    expect(v.prompt).toContain("What is 2+2?");
    expect(v.steps.map((s) => s.step)).toEqual([10, 20, 30]);
    expect(v.steps.map((s) => s.mean_reward)).toEqual([0.25, 0.5, 1]);
    expect(v.steps.map((s) => s.rows.length)).toEqual([4, 4, 4]);
    expect(v.steps[0]!.samples).toHaveLength(2);
    expect(v.steps[2]!.samples[0]!.row).toBe(start);
    expect(v.steps[1]!.samples[0]!.response).toMatch(/^step 20 answer 0/);
    const other = await promptSteps(ds, 4);
    expect(other.prompt).toContain("3*3");
    expect(other.steps.map((s) => s.mean_reward)).toEqual([0.25, 0.25, 0.25]);
    ds.close();
  });

  it("matches slime dumps by prompt, since group indices do not carry across rollout ids", async () => {
    const python = torchPython();
    if (!python) throw new Error("this test needs PyTorch: apt-get install python3-torch");
    const out = path.join(dir, "slime");
    fs.mkdirSync(out);
    const script = `
import sys, torch
out = sys.argv[1]
for rid in (3, 4):
    samples = []
    for g, p in enumerate(["Find x", "Find y"]):
        for k in range(2):
            samples.append({"index": rid * 100 + g * 2 + k, "group_index": rid * 10 + g, "prompt": p, "response": f"rid {rid} {p} {k}",
                            "label": "1", "reward": float(k == 0 or rid == 4), "status": "completed", "rollout_id": rid})
    torch.save({"rollout_id": rid, "samples": samples}, f"{out}/{rid}.pt")
`;
    const r = spawnSync(python, ["-c", script, out], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    const ds = await open(out);
    expect(ds.info()).toMatchObject({ container: "folder", rows: 8, groups: 4, error: null });
    const v = await promptSteps(ds, 2);
    expect(v.prompt).toBe("Find y");
    expect(v.steps.map((s) => [s.step, s.mean_reward])).toEqual([[3, 0.5], [4, 1]]);
    expect(v.steps[1]!.samples.map((s) => s.response)).toEqual(["rid 4 Find y 0", "rid 4 Find y 1"]);
    ds.close();
  });
  it("counts null and NaN scores apart instead of averaging them away; the whole step beside the prompt", async () => {
    const out = path.join(dir, "verl-nulls");
    fs.mkdirSync(out);
    // Step 1: 2 of 4 right. Step 2: 1 right, 1 wrong, 1 null, 1 NaN (Python's json.dumps). Step 3: no scores.
    const line = (p: string, score: string, step: number) => `{"input": "user: ${p}", "output": "a", "gts": "1", "score": ${score}, "step": ${step}}`;
    const scores: Record<number, string[]> = { 1: ["1", "1", "0", "0"], 2: ["1", "0", "null", "NaN"], 3: ["null", "null", "null", "null"] };
    for (const step of [1, 2, 3]) fs.writeFileSync(path.join(out, `${step}.jsonl`), [...scores[step]!.map((sc) => line("Q", sc, step)), line("R", "1", step)].join("\n") + "\n");
    const ds = await open(out);
    expect((await ds.view.page(rowQuerySchema.parse({}), 0, 3)).rows.map((r) => r.step)).toEqual([1, 1, 1]);
    const v = await promptSteps(ds, 5);
    expect(v.steps.map((s) => s.step)).toEqual([1, 2, 3]);
    expect(v.steps.map((s) => s.mean_reward)).toEqual([0.5, 0.5, null]);
    expect(v.steps.map((s) => [s.stats.scored, s.stats.unscored, s.stats.nonfinite, s.stats.rows])).toEqual([[4, 0, 0, 4], [2, 1, 1, 4], [0, 4, 0, 4]]);
    expect(v.steps.map((s) => [s.stats.passed, s.stats.judged])).toEqual([[2, 4], [1, 2], [0, 0]]);
    // The whole step adds prompt R's answer (always right).
    expect(v.steps.map((s) => [s.all?.rows, s.all?.scored, s.all?.mean_reward, s.all?.prompts, s.all?.prompts_passing])).toEqual([[5, 5, 0.6, 2, 2], [5, 3, 2 / 3, 2, 2], [5, 1, 1, 1, 1]]);
    ds.close();
  });
});
