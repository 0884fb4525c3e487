// Inspect opens the Agents export (slime Samples + `agent_trajectory`) and get_trajectory's bare
// Samples as slime samples, keeps every field, and hands the original lines back on export.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportTrajectory, TrajectoryManager, trajectorySessionSchema } from "@/lib/agent/trajectory";
import { Dataset } from "./dataset";
import { rowQuerySchema } from "./query";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "inspect-agent-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function load(name: string, content: string): Promise<Dataset> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  const ds = new Dataset({ id: name, name, source: name, path: file, sizeBytes: fs.statSync(file).size, maxRecordBytes: 10_000_000, textCachePath: path.join(dir, `${name}.txt`), searchTimeoutMs: 10_000 });
  await ds.ready;
  return ds;
}

const sessions = fs
  .readFileSync(path.join(__dirname, "../agent/trajectory/fixtures/sessions.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => trajectorySessionSchema.parse(JSON.parse(l)))
  .filter((s) => /^(sub-agent|tool fork|drift realign:|random #8)/.test(s.name!));

function exported() {
  return sessions.flatMap((s, k) => {
    const mgr = new TrajectoryManager({ forkThresholdTokens: s.fork_threshold_tokens });
    for (const t of s.turns) mgr.recordTurn("s", { turn: t, promptMessages: t.prompt_messages, responseMessage: t.response_message, metadata: t.metadata });
    const done = mgr.finishWithTree("s", { baseSample: s.base_sample, reward: s.reward, extraMetadata: s.extra_metadata, maxSampleTokens: s.max_sample_tokens })!;
    return exportTrajectory(s.name!.split(":")[0]!, done);
  });
}

describe("Inspect reads agent trajectories", () => {
  it("opens the export as slime samples and reads every field back", async () => {
    const lines = exported();
    expect(lines.length).toBeGreaterThan(10);
    const text = lines.map((l) => JSON.stringify(l)).join("\n") + "\n";
    const ds = await load("agent.jsonl", text);
    expect(ds.info()).toMatchObject({ detected: "slime", rows: lines.length, problems: 0, has_tokens: true });
    const page = await ds.view.page(rowQuerySchema.parse({}), 0, 3);
    expect(page.rows.map((r) => r.preview)).toEqual(["[sub-agent #1/2] task", "[sub-agent #2/2] task", "[tool fork #1/2] task"]);
    for (let i = 0; i < lines.length; i++) {
      const { sample } = await ds.sample(i);
      const want = lines[i]!;
      expect(sample).toMatchObject({ index: want.index, group_index: want.group_index, status: "completed", reward: want.reward, response_length: want.response_length });
      expect([sample.tokens, sample.loss_mask, sample.rollout_log_probs, sample.metadata]).toStrictEqual([want.tokens, want.loss_mask, want.rollout_log_probs, want.metadata]);
      expect(sample.agent_trajectory).toStrictEqual(want.agent_trajectory);
      expect(sample.extra).toStrictEqual({ rollout_id: want.rollout_id });
      expect(await ds.exportLine(i)).toBe(JSON.stringify(want));
    }
  });

  it("opens get_trajectory's bare Samples (the CLI's) as slime samples", async () => {
    const samples = exported().map(({ agent_trajectory: _, ...s }) => s);
    const ds = await load("bare.jsonl", samples.map((s) => JSON.stringify(s)).join("\n"));
    expect(ds.info()).toMatchObject({ detected: "slime", problems: 0 });
    expect((await ds.sample(0)).sample.agent_trajectory).toBeUndefined();
  });

  it("reports a damaged agent_trajectory and keeps it as an extra field", async () => {
    const [first] = exported();
    const bad = { ...first!, agent_trajectory: { version: 1, tree: "?" } };
    const ds = await load("bad.jsonl", JSON.stringify(bad) + "\n");
    const { sample } = await ds.sample(0);
    expect(sample.problems.map((p) => p.field)).toEqual(["agent_trajectory"]);
    expect(sample.extra.agent_trajectory).toEqual({ version: 1, tree: "?" });
  });
});
