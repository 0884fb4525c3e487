// The hostile suite (hostile.test.ts) again, with the server run as an unprivileged user (uid 65534,
// plus the docker group when there is one), as a deployment that does not run as root would: the
// local backend then has no setpriv and no CAP_SETUID, and bwrap builds a user namespace instead.
// Needs root to drop privileges; CI runs as root.
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requireUnderCi } from "@/lib/testing/ci";
import { dockerGate } from "./docker-test-gate";

const repo = path.resolve(__dirname, "../../..");
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const setpriv = (() => {
  try {
    return execFileSync("sh", ["-c", "command -v setpriv"]).toString().trim() || null;
  } catch {
    return null;
  }
})();
const dockerGid = (() => {
  try {
    return Number(execFileSync("getent", ["group", "docker"]).toString().split(":")[2]);
  } catch {
    return null;
  }
})();
const canDrop = requireUnderCi("root and setpriv, to run the hostile suite as uid 65534", {
  ok: isRoot && setpriv !== null,
  why: !isRoot ? "the tests do not run as root" : "setpriv is not on PATH",
  install: "run as root; apt-get install util-linux",
});
const backends = ["local", "local-spawn", ...((await dockerGate()).run && dockerGid !== null ? ["docker"] : [])];

const home = mkdtempSync(path.join(os.tmpdir(), "rp-hostile-nonroot-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe.runIf(canDrop)("the hostile suite with a non-root server", () => {
  it(`passes on ${backends.join(", ")}`, () => {
    chownSync(home, NOBODY, NOBODY);
    const report = path.join(home, "report.json");
    const r = spawnSync(
      setpriv!,
      [
        `--reuid=${NOBODY}`, `--regid=${NOBODY}`, ...(dockerGid !== null ? [`--groups=${dockerGid}`] : ["--clear-groups"]),
        process.execPath, path.join(repo, "node_modules/vitest/vitest.mjs"), "run", "lib/sandbox/backends/hostile.test.ts",
        "--reporter=json", `--outputFile=${report}`,
      ],
      {
        cwd: repo,
        // A clean environment: not this worker's VITEST_* variables, not root's HOME.
        env: { PATH: process.env.PATH, HOME: home, TMPDIR: home, HOSTILE_BACKENDS: backends.join(","), ...(process.env.CI ? { CI: process.env.CI } : {}) } as unknown as NodeJS.ProcessEnv,
        encoding: "utf8",
        timeout: 900_000,
      },
    );
    expect(existsSync(report), `no report from the suite run as uid ${NOBODY}: ${r.error?.message ?? ""}\n${r.stderr.slice(-2000)}`).toBe(true);
    const results = JSON.parse(readFileSync(report, "utf8")) as {
      numTotalTests: number;
      numPassedTests: number;
      testResults: { assertionResults: { ancestorTitles: string[]; title: string; status: string; failureMessages: string[] }[] }[];
    };
    const cases = results.testResults.flatMap((f) => f.assertionResults);
    const failed = cases.filter((c) => c.status !== "passed").map((c) => `${c.ancestorTitles.join(" > ")} > ${c.title}: ${c.status} ${c.failureMessages.join("\n").slice(0, 800)}`);
    expect(failed, r.stderr.slice(-2000)).toEqual([]);
    expect(r.status).toBe(0);
    // Every backend ran its cases (none skipped away).
    for (const b of backends) expect(cases.filter((c) => c.ancestorTitles.includes(`hostile code on the ${b} backend`)).length).toBeGreaterThanOrEqual(10);
    expect(results.numPassedTests).toBe(results.numTotalTests);
  }, 900_000);
});
