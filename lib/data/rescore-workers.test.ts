// Re-scoring in worker threads must give, row for row, what scoring each sample in the server
// thread gives: same scores, accuracies, predictions and errors, malformed rows included.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { computeReward } from "@/lib/reward";
import { Dataset } from "./dataset";
import { rescoreWorkerTasks } from "./rescore-workers";
import { badInputFile, slimeSample, toJsonl } from "./testing/fixtures";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "inspect-rescore-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it("worker re-scores equal the server thread's, row for row", async () => {
  const file = path.join(dir, "mix.jsonl");
  const rows = Array.from({ length: 1200 }, (_, i) => slimeSample(i));
  fs.writeFileSync(file, Buffer.concat([Buffer.from(toJsonl(rows)), badInputFile().buf]));
  const ds = new Dataset({
    id: "rescore", name: "mix.jsonl", source: "mix.jsonl", path: file, sizeBytes: fs.statSync(file).size,
    maxRecordBytes: 50_000, textCachePath: path.join(dir, "t.txt"), searchTimeoutMs: 10_000,
  });
  await ds.ready;
  expect(ds.jsonSource()).not.toBeNull();
  const all = Array.from({ length: ds.store.length }, (_, i) => i);
  let done: { done: number; total: number } | null = null;
  await ds.jobs.rescore(all, {
    rewardType: "retool",
    signal: new AbortController().signal,
    emit: (e) => {
      if (e.type === "done") done = { done: e.done, total: e.total };
    },
  });
  expect(done).toEqual({ done: all.length, total: all.length });
  expect(rescoreWorkerTasks()).toBeGreaterThan(0);
  let scored = 0;
  for (const row of all) {
    const { sample } = await ds.sample(row);
    const want = await computeReward("retool", { prompt: sample.prompt, response: sample.response, label: sample.label ?? "", tool_call_count: sample.tool_call_count ?? 0, metadata: sample.metadata });
    const got = ds.jobs.rescoreOf(row);
    if (want.ok) {
      scored++;
      expect({ row, score: got?.score, acc: got?.acc, pred: got?.pred }).toEqual({ row, score: want.value.score, acc: want.value.acc, pred: want.value.pred });
    } else expect({ row, error: got?.error }).toEqual({ row, error: want.error.message });
  }
  expect(scored).toBeGreaterThan(1100);
});
