// The CLI against slime's own TrajectoryManager: fixtures/slime-samples.jsonl is what slime's code
// returned for fixtures/sessions.jsonl (fixtures/README.md says how they were made).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { trajectoryExportLineSchema } from ".";
import { runTrajectoryCli } from "./testing/cli";

const fixtures = path.join(__dirname, "fixtures");
const sessionsText = fs.readFileSync(path.join(fixtures, "sessions.jsonl"), "utf8");
const sessions = sessionsText.trim().split("\n").map((l) => JSON.parse(l) as { name: string });
const expected = fs
  .readFileSync(path.join(fixtures, "slime-samples.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as unknown);

const runCli = runTrajectoryCli;

let out: unknown[] = [];
beforeAll(() => {
  const r = runCli(sessionsText);
  expect(r.status, r.stderr).toBe(0);
  out = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown);
}, 120_000);

describe("cli trajectory matches slime's get_trajectory", () => {
  it("answers one line per session", () => {
    expect(sessions.length).toBe(expected.length);
    expect(out.length).toBe(sessions.length);
  });
  sessions.forEach((s, i) => {
    it(s.name, () => {
      expect(out[i]).toStrictEqual(expected[i]);
    });
  });
});

it("covers what the fixtures README promises", () => {
  const names = sessions.map((s) => s.name).join("\n");
  for (const word of ["sub-agent", "compaction", "rewrite merge", "drift realign", "drift fork", "dedup", "max_sample_tokens", "ill_formed", "truncated", "empty prompt_messages", "random #39"]) {
    expect(names).toContain(word);
  }
  const counts = expected.map((e) => ("samples" in (e as object) ? (e as { samples: unknown[] }).samples.length : -1));
  expect(counts.filter((c) => c > 1).length).toBeGreaterThan(30);
  expect(counts).toContain(0);
  expect(counts).toContain(-1);
});

it("the committed sessions are what make_cases.py writes", () => {
  const r = spawnSync("python3", [path.join(fixtures, "make_cases.py")], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toBe(sessionsText);
});

it("rejects a malformed session line with a clear error and goes on", () => {
  const r = runCli('{"turns": [{"prompt_ids": "x"}]}\nnot json\n{"turns": []}\n');
  expect(r.status).toBe(0);
  const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines[0]!.error).toMatch(/^bad input: .*prompt_ids/s);
  expect(lines[1]!.error).toMatch(/invalid JSON/);
  expect(lines[2]).toEqual({ samples: [] });
});

it("--explain adds each Sample's agent_trajectory and changes nothing else", () => {
  const r = runCli(sessionsText.split("\n").slice(0, 8).join("\n"), ["--explain"]);
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { samples: Record<string, unknown>[] });
  lines.forEach((l, i) => {
    expect(l.samples.map(({ agent_trajectory: _, ...s }) => s)).toStrictEqual((out[i] as { samples: unknown[] }).samples);
    for (const s of l.samples) expect(trajectoryExportLineSchema.parse(s).agent_trajectory.session_id).toBe(sessions[i]!.name);
  });
});
