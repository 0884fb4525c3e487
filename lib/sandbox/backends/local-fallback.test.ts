// Without bwrap (PLAYGROUND_BWRAP=off) runs still work with rlimits, and say they are not isolated;
// PLAYGROUND_REQUIRE_ISOLATION=1 refuses them. Own file: the host probe is cached per process.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import { LocalBackend } from "./local";
import { pidsWithMarker } from "./procs";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-fallback-"));
let backend: LocalBackend;

beforeAll(() => {
  process.env.PLAYGROUND_STATE_DIR = stateDir;
  process.env.PLAYGROUND_BWRAP = "off";
  resetServerEnvForTests();
  backend = new LocalBackend();
});
afterAll(async () => {
  await backend.shutdown();
  delete process.env.PLAYGROUND_REQUIRE_ISOLATION;
  rmSync(stateDir, { recursive: true, force: true });
});

describe("local backend without bwrap", () => {
  it("reports itself as not isolated, with the reason", async () => {
    const a = await backend.availability();
    expect(a).toMatchObject({ backend: "local", available: true, isolated: false });
    expect(a.reason).toContain("not isolated");
  });

  it("runs with isolated:false and a plain notice", async () => {
    const sb = await backend.create({ limits: { timeout_s: 3 } });
    try {
      const r = await sb.executeTool("python_executor", { code: "print(6*7)" });
      expect(r).toMatchObject({ status: "success", output: "42\n", isolated: false });
      expect(r.notices?.join(" ")).toMatch(/Not isolated/);
      // Background children are still reaped (by the session's uid, there is no pid namespace).
      const m = `m${randomUUID().slice(0, 8)}`;
      // The child must be seen running before the run ends: poll /proc (within the run's 3 s) for a
      // process whose argv[0] is the marker (this script's own command line only contains it).
      const bg = await sb.executeTool("shell_executor", {
        command: [
          `setsid bash -c "exec -a ${m} sleep 1000" & disown`,
          `argv0() { { tr '\\0' '\\n' < "$1" | head -n 1; } 2>/dev/null; }`,
          `seen=no; for i in $(seq 60); do for f in /proc/[0-9]*/cmdline; do [ "$(argv0 "$f")" = ${m} ] && seen=yes; done; [ $seen = yes ] && break; sleep 0.05; done`,
          "echo running $seen",
        ].join("\n"),
      });
      expect(bg.status).toBe("success");
      expect(bg.output).toBe("running yes\n");
      await expect.poll(() => pidsWithMarker(m), { timeout: 10_000, interval: 100 }).toEqual([]);
      const t = await sb.executeTool("python_executor", { code: "while True: pass", timeout: 1 });
      expect(t.status).toBe("timeout");
    } finally {
      await sb.close();
    }
  });

  it("refuses when PLAYGROUND_REQUIRE_ISOLATION=1", async () => {
    process.env.PLAYGROUND_REQUIRE_ISOLATION = "1";
    resetServerEnvForTests();
    const sb = await backend.create({});
    try {
      const r = await sb.executeTool("shell_executor", { command: "echo should-not-run" });
      expect(r.status).toBe("error");
      expect(r.error).toMatch(/PLAYGROUND_REQUIRE_ISOLATION/);
      expect(r.output).not.toContain("should-not-run");
      expect((await backend.availability()).available).toBe(false);
    } finally {
      await sb.close();
      delete process.env.PLAYGROUND_REQUIRE_ISOLATION;
      resetServerEnvForTests();
    }
  });
});
