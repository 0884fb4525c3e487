import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dataset } from "@/lib/data/dataset";
import type { ChatRun } from "./chat-session-schema";
import { runHtml, runJsonl, runSample } from "./export";
import { findReplaySample } from "./samples";
import type { RolloutSample } from "./transcript";

// A Chat run's export: the slime Sample as JSON Lines comes back field for field through
// `cli read` and through Inspect's Dataset; the HTML page shows the same run, text as text.

const root = path.resolve(__dirname, "../..");
const shipped = findReplaySample(undefined)!;
const sample: RolloutSample = {
  prompt: `${shipped.prompt} <tools></tools> {"name": <function-name>}`,
  response: `${shipped.assistant_turns[0]}\n\n<interpreter>\nOutput:\n2870\n</interpreter>\n\n${shipped.assistant_turns[1]}`,
  label: "2870",
  reward: -1.05,
  status: "completed",
  tool_call_count: 1,
  response_length: 9,
  tokens: [151644, 872, 198, 3838, 374, 220, 17, 10, 17, 30, 151645, 4, 5, 6],
  loss_mask: [1, 1, 1, 0, 0, 0, 1, 1, 1],
  rollout_log_probs: [-0.1234567890123, -1e-9, 0, -0.5, -0.5, -0.5, -2.5, -0.01, -3.000000000001],
  metadata: { backend: "replay", token_counts: "exact", acc: false, pred: "2871", error: { code: "internal:rollout", message: "ü ✓ 😀" } },
};
const run: ChatRun = {
  id: "0123456789abcdef",
  n: 3,
  created_at: "2026-12-07T20:00:00.000Z",
  settings: {} as ChatRun["settings"],
  state: "done",
  record: { sample } as unknown as ChatRun["record"],
};

let dir: string;
let file: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "chat-export-"));
  file = path.join(dir, "run.jsonl");
  fs.writeFileSync(file, runJsonl(sample));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every field of the Sample, as the reader gave it back. */
function expectSameSample(read: Record<string, unknown>) {
  for (const [k, v] of Object.entries(sample)) expect(read[k], k).toEqual(v);
  expect(read.format).toBe("slime");
  expect(read.problems).toEqual([]);
  expect(read.extra).toEqual({});
}

describe("Chat run export", () => {
  it("is one JSON line holding the Sample", () => {
    const text = fs.readFileSync(file, "utf8");
    expect(text.endsWith("\n")).toBe(true);
    expect(text.split("\n")).toHaveLength(2);
    expect(JSON.parse(text)).toEqual(sample);
  });

  it("reads back losslessly with `cli read`", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", "cli/main.ts", "read", file], { cwd: root, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expectSameSample(JSON.parse(lines[0]!) as Record<string, unknown>);
  }, 60_000);

  it("reads back losslessly in Inspect", async () => {
    const ds = new Dataset({ id: "x", name: "run.jsonl", source: "run.jsonl", path: file, sizeBytes: fs.statSync(file).size, maxRecordBytes: 1e6, textCachePath: path.join(dir, "x.txt"), searchTimeoutMs: 10_000 });
    expect(await ds.waitForRow(0)).toBe(true);
    const { sample: read } = await ds.sample(0);
    expectSameSample(read as unknown as Record<string, unknown>);
    expect(read.acc).toBe(false);
  });

  it("renders one self-contained page; dataset text stays text", () => {
    const html = runHtml("feedfacecafebeef", run, sample, null, "2026-12-07T20:00:00Z");
    expect(html).toContain(">Chat session feedfacecafebeef · run 3</h1>");
    expect(html).toContain("&lt;tools&gt;&lt;/tools&gt;");
    expect(html).toContain("&lt;function-name&gt;");
    expect(html).not.toMatch(/<script|<link|src=/i);
    expect(html).toContain("Exported from Rollout Playground (Chat)");
    expect(html.match(/data-testid="export-turn"/g)).toHaveLength(2);
    expect(html).toContain('title="id 17 · loss mask 0 · rollout logprob -0.5000"');
  });

  it("a run without a Sample says why", () => {
    expect(runSample({ ...run, state: "running", record: null })).toEqual({ ok: false, reason: expect.stringContaining("still going") });
    expect(runSample(run)).toEqual({ ok: true, sample });
  });
});
