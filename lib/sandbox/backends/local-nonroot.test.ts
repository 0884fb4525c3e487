// The local backend run by a non-root server: bwrap isolation must still be used (the run keeps
// the server's uid; only root adds CAP_SETUID and setpriv). Runs the backend in a child process
// under setpriv as uid 65534, so it needs root to start; CI runs as root.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requireUnderCi } from "@/lib/testing/ci";

const repo = path.resolve(__dirname, "../../..");
const isRoot = process.getuid?.() === 0;
const setpriv = (() => {
  try {
    return execFileSync("sh", ["-c", "command -v setpriv"]).toString().trim() || null;
  } catch {
    return null;
  }
})();
const NOBODY = 65534;
const dir = mkdtempSync(path.join(os.tmpdir(), "rp-nonroot-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const canDropPrivileges = requireUnderCi("root and setpriv, to start the server as uid 65534", {
  ok: isRoot && setpriv !== null,
  why: !isRoot ? "the tests do not run as root" : "setpriv is not on PATH",
  install: "run as root; apt-get install util-linux",
});

describe.runIf(canDropPrivileges)("local backend as a non-root user", () => {
  it("is isolated by bwrap and runs code as the server's own uid", () => {
    const state = path.join(dir, "state");
    const home = path.join(dir, "home");
    for (const d of [state, home]) {
      execFileSync("mkdir", ["-p", d]);
      chownSync(d, NOBODY, NOBODY);
    }
    chmodSync(dir, 0o755);
    // Readable by uid 65534 on the host, so only the sandbox can hide it.
    const hidden = path.join(dir, "host-secret.txt");
    writeFileSync(hidden, "secret\n", { mode: 0o644 });
    const r = spawnSync(
      setpriv!,
      [
        `--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups",
        process.execPath, path.join(repo, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server",
        "--tsconfig", path.join(repo, "tsconfig.json"), path.join(__dirname, "fixtures/nonroot-session.ts"),
      ],
      {
        cwd: repo,
        env: { PATH: process.env.PATH, HOME: home, TMPDIR: home, PLAYGROUND_STATE_DIR: state, PROBE_HIDDEN: hidden } as unknown as NodeJS.ProcessEnv,
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      availability: { available: boolean; isolated: boolean; reason: string };
      isolated: boolean;
      py: { status: string; output: string };
      sh: { status: string; output: string };
    };
    expect(out.availability).toMatchObject({ available: true, isolated: true });
    expect(out.availability.reason).toMatch(/^bwrap isolation/);
    expect(out.isolated).toBe(true);
    // Its own uid (no setpriv for a non-root server), and the host path is not visible.
    expect(out.py).toMatchObject({ status: "success", output: `${NOBODY} False\n` });
    // A pid namespace and the sandbox hostname.
    expect(out.sh.status).toBe("success");
    expect(out.sh.output).toMatch(/^\d+\nsandbox\n$/);
  }, 150_000);
});
