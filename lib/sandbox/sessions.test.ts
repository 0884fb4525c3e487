import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import { backendStatuses, getBackend } from "./registry";
import type { BackendName } from "./types";
import {
  acquireSandbox,
  cancelRun,
  closeSession,
  getSession,
  listSessions,
  parkSandbox,
  runTool,
  sessionCount,
  sessionUsage,
  setSandboxDeadline,
  shutdownSessions,
  sweepIdleSessions,
  withSandbox,
} from "./sessions";

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

  it("cancels a run through its AbortSignal", async () => {
    const ctl = new AbortController();
    const p = runTool({ sessionId: "s1", backend: "local", tool: "shell_executor", args: { command: "sleep 30" }, signal: ctl.signal });
    await new Promise((r) => setTimeout(r, 300));
    ctl.abort();
    expect((await p).status).toBe("cancelled");
    const pre = new AbortController();
    pre.abort();
    const r = await runTool({ sessionId: "s1", backend: "local", tool: "shell_executor", args: { command: "echo ran" }, signal: pre.signal });
    expect(r.status).toBe("cancelled");
    expect(r.output).not.toContain("ran");
  });

  it("reports a backend missing from the build as an error result", async () => {
    const r = await runTool({ sessionId: "s3", backend: "nope" as BackendName, tool: "python_executor", args: { code: "1" } });
    expect(r.status).toBe("error");
    expect(r.error).toBe("Could not open a nope sandbox: The nope backend is not available in this build.");
    const held = await acquireSandbox("nope" as BackendName);
    expect(held).toEqual({ ok: false, error: { code: "unavailable:sandbox", message: "The nope sandbox backend is not available in this build." } });
  });

  it("reports a session the backend refuses to create as an error result, and does not cache it", async () => {
    const before = sessionCount();
    const r = await runTool({ sessionId: "bad id!", backend: "local", tool: "python_executor", args: { code: "1" } });
    expect(r.status).toBe("error");
    expect(r.error).toMatch(/^Could not open a local sandbox: Invalid session id "bad id!"/);
    await new Promise((r) => setImmediate(r));
    expect(sessionCount()).toBe(before);
  });

  it("holds a sandbox for a batch: the idle sweep leaves it, close() and shutdown own it", async () => {
    const before = sessionCount();
    const held = await acquireSandbox("local", { tools_config: { python_executor: {} } }, { label: "batch" });
    if (!held.ok) throw new Error(held.error.message);
    const sb = held.value;
    expect(sb.id).toMatch(/^batch-/);
    expect(sessionCount()).toBe(before + 1);
    // Everything else is idle by then and goes; the held sandbox stays.
    expect(await sweepIdleSessions(Date.now() + 10 * 24 * 3600 * 1000)).toBe(before);
    expect(sessionCount()).toBe(1);
    expect(await sb.executeTool("python_executor", { code: "print(6*7)" })).toMatchObject({ status: "success", output: "42\n" });
    const dir = path.join(stateDir, "sessions", sb.id);
    expect(existsSync(dir)).toBe(true);
    await sb.close();
    expect(existsSync(dir)).toBe(false);
    expect(sessionCount()).toBe(0);
  });

  it("withSandbox closes the sandbox after the job, also when it throws", async () => {
    let dir = "";
    const out = await withSandbox("local", undefined, async (sb) => {
      dir = path.join(stateDir, "sessions", sb.id);
      expect(existsSync(dir)).toBe(true);
      return (await sb.executeTool("python_executor", { code: "print('hi')" })).output;
    });
    expect(out).toBe("hi\n");
    expect(existsSync(dir)).toBe(false);
    await expect(
      withSandbox("local", undefined, async (sb) => {
        dir = path.join(stateDir, "sessions", sb.id);
        throw new Error("job failed");
      }),
    ).rejects.toThrow("job failed");
    expect(existsSync(dir)).toBe(false);
    await expect(withSandbox("nope" as BackendName, undefined, async () => 1)).rejects.toMatchObject({ code: "unavailable:sandbox" });
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

describe("the session manager owns every sandbox's life", () => {
  const day = 24 * 3600 * 1000;
  const until = async (cond: () => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it("a held sandbox is never swept unless its holder gave it an idle TTL; busy ones never are", async () => {
    const forever = await acquireSandbox("local", undefined, { label: "forever" });
    const ttl = await acquireSandbox("local", undefined, { label: "ttl", idleTtlMs: 60_000 });
    if (!forever.ok || !ttl.ok) throw new Error("no sandbox");
    expect(listSessions().find((x) => x.id === ttl.value.id)?.expires_at_ms).toBeGreaterThan(Date.now());
    expect(listSessions().find((x) => x.id === forever.value.id)?.expires_at_ms).toBeNull();
    // Busy: a run in flight keeps it open whatever the clock says.
    const busy = ttl.value.executeTool("python_executor", { code: "import time; time.sleep(1.5)" });
    await until(() => (sessionUsage(ttl.value.id, "local")?.running ?? 0) > 0, "the run to start");
    await sweepIdleSessions(Date.now() + day);
    expect(sessionUsage(ttl.value.id, "local")).toBeDefined();
    expect((await busy).status).toBe("success");
    await sweepIdleSessions(Date.now() + day);
    expect(sessionUsage(ttl.value.id, "local")).toBeUndefined();
    expect(sessionUsage(forever.value.id, "local")).toBeDefined();
    expect((await ttl.value.executeTool("python_executor", { code: "1" })).error).toMatch(/closed/);
    await forever.value.close();
  });

  it("a parked sandbox is handed to the next acquire with the same reuse key and config, and expires unused", async () => {
    const config = { tools_config: { python_executor: {} } };
    const a = await acquireSandbox("local", config, { label: "reuse", reuse: "test" });
    if (!a.ok) throw new Error(a.error.message);
    const id = a.value.id;
    await parkSandbox(a.value, { idleTtlMs: 60_000 });
    await a.value.close(); // the holder's close after parking does nothing
    expect(sessionUsage(id, "local")).toBeDefined();
    expect(listSessions().some((x) => x.id === id)).toBe(false);
    const other = await acquireSandbox("local", { tools_config: { shell_executor: {} } }, { label: "reuse", reuse: "test" });
    if (!other.ok) throw new Error(other.error.message);
    expect(other.value.id).not.toBe(id);
    await other.value.close();
    const b = await acquireSandbox("local", config, { label: "reuse", reuse: "test" });
    if (!b.ok) throw new Error(b.error.message);
    expect(b.value.id).toBe(id);
    expect((await b.value.executeTool("python_executor", { code: "print(2)" })).output).toBe("2\n");
    await parkSandbox(b.value, { idleTtlMs: 60_000 });
    await sweepIdleSessions(Date.now() + 120_000);
    expect(sessionUsage(id, "local")).toBeUndefined();
    const c = await acquireSandbox("local", config, { label: "reuse", reuse: "test" });
    if (!c.ok) throw new Error(c.error.message);
    expect(c.value.id).not.toBe(id);
    await c.value.close();
  });

  it("a deadline closes a sandbox busy or not, and can be moved", async () => {
    const sb = await acquireSandbox("local", undefined, { label: "deadline", lifetimeMs: 60_000 });
    if (!sb.ok) throw new Error(sb.error.message);
    const dl = sessionUsage(sb.value.id, "local")!.deadline_ms!;
    expect(dl).toBeGreaterThan(Date.now());
    expect(setSandboxDeadline(sb.value, Date.now() + 300)).toBe(true);
    const run = sb.value.executeTool("python_executor", { code: "import time; time.sleep(30)" });
    await until(() => sessionUsage(sb.value.id, "local") === undefined, "the deadline to close it");
    expect((await run).status).not.toBe("success");
    expect(setSandboxDeadline(sb.value, Date.now() + 1000)).toBe(false);
  });
});
