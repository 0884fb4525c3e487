import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeDumpsScript, torchPython } from "@/lib/data/readers/testing/torch-python";

// `cli read FILE`: one JSON line per sample, in Inspect's normalized shape, from real torch dumps.
const root = path.resolve(__dirname, "../..");
let dir: string;
beforeAll(() => {
  const python = torchPython();
  if (!python) throw new Error("this test needs PyTorch: apt-get install python3-torch");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-read-"));
  const r = spawnSync(python, [makeDumpsScript, dir, "rollout", "train"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  fs.writeFileSync(path.join(dir, "rows.jsonl"), '{"prompt":"p","response":"r","reward":1,"status":"completed"}\nnot json\n');
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", "cli/main.ts", "read", ...args], { cwd: root, encoding: "utf8" });
}
const lines = (out: string) => out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);

describe("cli read", () => {
  it("prints every sample of a rollout dump with its token arrays", () => {
    const r = cli(path.join(dir, "rollout_data", "1.pt"));
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(8);
    expect(out[3]).toMatchObject({ row: 3, format: "slime", index: 3, group_index: 0, step: 1, loss_mask: [1, 1, 0, 1, 1, 1] });
    expect((out[3]!.tokens as number[]).length).toBe(16);
    expect((out[3]!.rollout_log_probs as number[])[1]).toBe(-0.51);
    expect(r.stderr).toContain("read: 8 samples (a slime rollout dump)");
  });

  it("prints a train dump folder with per-token values, --limit and --format", () => {
    const r = cli(path.join(dir, "train_data"), "--limit", "3");
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(3);
    expect(Object.keys(out[0]!.per_token as object)).toContain("entropy");
    expect(cli(path.join(dir, "rollout_data", "0.pt"), "--format", "slime-train-dump").status).toBe(0);
  });

  it("reads JSON Lines too, and fails clearly", () => {
    const j = cli(path.join(dir, "rows.jsonl"));
    expect(j.status).toBe(0);
    const out = lines(j.stdout);
    expect(out[0]).toMatchObject({ format: "slime", reward: 1 });
    expect((out[1]!.problems as { kind: string }[])[0]!.kind).toBe("malformed_json");
    const evil = cli(path.join(dir, "evil_zip.pt"));
    expect(evil.status).toBe(1);
    expect(evil.stderr).toContain("refused: the pickle asks for the global posix.system");
    expect(cli().status).toBe(2);
    expect(cli("x.pt", "--format", "nope").stderr).toContain("usage: read FILE");
    expect(cli(path.join(dir, "missing.pt")).stderr).toContain("missing.pt: no such file");
  });
});
