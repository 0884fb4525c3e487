// slime's TrajectoryManager run live, when a checkout of THUDM/slime is at hand (SLIME_SRC = the
// directory holding the `slime` package): the committed fixtures must still be what slime returns,
// and fresh random sessions must come out of the CLI exactly as out of slime.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { torchPython } from "@/lib/data/readers/testing/torch-python";
import { requireUnderCi } from "@/lib/testing/ci";
import { runTrajectoryCli as runCli } from "./testing/cli";

const fixtures = path.join(__dirname, "fixtures");
const slimeSrc = process.env.SLIME_SRC;
const hasSlime = !!slimeSrc && fs.existsSync(path.join(slimeSrc, "slime", "agent", "trajectory.py"));
const python = torchPython();

// Without torch slime's Sample cannot be imported; under CI that fails rather than skips.
const torchOk = requireUnderCi("a python3 with torch for slime's Sample", { ok: python !== null, install: "apt-get install python3-torch" });

function slime(input: string): unknown[] {
  const r = spawnSync(python!, [path.join(fixtures, "slime_trajectory.py"), "--slime-src", slimeSrc!], {
    input,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown);
}

describe.runIf(hasSlime && torchOk)("live against slime's code (SLIME_SRC)", () => {
  it("the committed fixtures are still what slime returns", () => {
    const want = fs.readFileSync(path.join(fixtures, "slime-samples.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as unknown);
    expect(slime(fs.readFileSync(path.join(fixtures, "sessions.jsonl"), "utf8"))).toStrictEqual(want);
  }, 120_000);

  it.each([1, 2, 3])("200 more random sessions (seed %i) agree with slime", (seed) => {
    const gen = spawnSync("python3", [path.join(fixtures, "make_cases.py"), "--random", "200", String(seed)], { encoding: "utf8" });
    expect(gen.status, gen.stderr).toBe(0);
    const want = slime(gen.stdout);
    const r = runCli(gen.stdout);
    expect(r.status, r.stderr).toBe(0);
    const got = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown);
    expect(got.length).toBe(200);
    for (let i = 0; i < got.length; i++) expect(got[i], `seed ${seed}, session ${i}`).toStrictEqual(want[i]);
  }, 120_000);
});
