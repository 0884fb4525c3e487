import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import { backendStatuses, getBackend } from "./registry";
import { cancelRun, closeSession, getSession, runTool, sessionCount, shutdownSessions, sweepIdleSessions } from "./sessions";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-sessions-"));
beforeAll(() => {
  process.env.PLAYGROUND_STATE_DIR = stateDir;
  // Other modules may have parsed the environment at import time.
  resetServerEnvForTests();
});
afterAll(async () => {
  await shutdownSessions();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("backend registry", () => {
  it("reports every known backend, local isolated by bwrap", async () => {
    const statuses = await backendStatuses();
    expect(statuses.map((s) => s.backend)).toEqual(["local", "docker"]);
    expect(statuses[0]).toMatchObject({ backend: "local", available: true, isolated: true });
    expect(getBackend("nope")).toBeNull();
    expect(getBackend("local")).toBe(getBackend("local"));
  });
});

describe("session manager", () => {
  it("keeps state across calls of one session and separates sessions", async () => {
    await runTool({ sessionId: "s1", backend: "local", tool: "file_operation", args: { operation: "write", file_path: "n.txt", content: "41" } });
    const r = await runTool({ sessionId: "s1", backend: "local", tool: "python_executor", args: { code: "print(int(open('n.txt').read()) + 1)" } });
    expect(r).toMatchObject({ status: "success", output: "42\n" });
    const other = await runTool({ sessionId: "s2", backend: "local", tool: "file_operation", args: { operation: "exists", file_path: "n.txt" } });
    expect(other.output).toBe("false");
    expect(await getSession("s1", "local")).toBe(await getSession("s1", "local"));
  });

  it("cancels a run by id", async () => {
    const p = runTool({ sessionId: "s1", backend: "local", tool: "shell_executor", args: { command: "sleep 30" }, runId: "run-1" });
    await new Promise((r) => setTimeout(r, 300));
    expect(cancelRun("run-1")).toBe(true);
    expect((await p).status).toBe("cancelled");
    expect(cancelRun("run-1")).toBe(false);
  });

  it.skipIf(getBackend("docker") !== null)("reports a backend missing from the build as an error result", async () => {
    const r = await runTool({ sessionId: "s3", backend: "docker", tool: "python_executor", args: { code: "1" } });
    expect(r.status).toBe("error");
    expect(r.error).toMatch(/docker/);
  });

  it("closes sessions (directory removed) and expires idle ones", async () => {
    const sb = await getSession("s4", "local");
    const dir = path.join(stateDir, "sessions", sb.id);
    expect(existsSync(dir)).toBe(true);
    await closeSession("s4");
    expect(existsSync(dir)).toBe(false);
    const before = sessionCount();
    await getSession("s5", "local");
    expect(sessionCount()).toBe(before + 1);
    const closed = await sweepIdleSessions(Date.now() + 10 * 24 * 3600 * 1000);
    expect(closed).toBeGreaterThanOrEqual(1);
    expect(sessionCount()).toBe(0);
  });
});
