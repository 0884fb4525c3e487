import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import type { ToolResult } from "@/lib/sandbox/types";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-workspace-"));
let store: typeof import("./store");
beforeAll(async () => {
  process.env.PLAYGROUND_STATE_DIR = stateDir;
  resetServerEnvForTests();
  store = await import("./store");
});
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

const result = (stdout: string): ToolResult => ({ tool_name: "python_executor", status: "success", output: stdout, stdout, duration_ms: 3 });

describe("workspace store", () => {
  it("a new session has no workspace", async () => {
    expect(await store.loadWorkspace("nosuchsession")).toBeNull();
  });

  it("keeps every field through many concurrent patches, and writes a file a restart can read", async () => {
    const id = "sessionAAAA1";
    await Promise.all([
      store.patchWorkspace({ sessionId: id, tool: "shell" }),
      store.patchWorkspace({ sessionId: id, scratch: { shell: "echo hi" } }),
      store.patchWorkspace({ sessionId: id, scratch: { code: { c: "int main(){}" } } }),
      store.patchWorkspace({ sessionId: id, scratch: { code: { go: "package main" } } }),
      store.recordResult(id, result("42\n")),
      store.patchWorkspace({ sessionId: id, open_file: { path: "a.py", backend: "local", draft: "x = 1" } }),
    ]);
    const w = await store.loadWorkspace(id);
    expect(w).toMatchObject({
      tool: "shell",
      scratch: { shell: "echo hi", code: { c: "int main(){}", go: "package main" } },
      open_file: { path: "a.py", backend: "local", draft: "x = 1" },
      result: { stdout: "42\n" },
    });
    const onDisk = JSON.parse(readFileSync(path.join(stateDir, "workspaces", `${id}.json`), "utf8"));
    expect(onDisk).toEqual(w);
  });

  it("cell results stay with their cell when the cells are reordered or edited, and go on restart", async () => {
    const id = "sessionBBBB2";
    await store.patchWorkspace({ sessionId: id, cells: [{ key: 0, code: "a = 1" }, { key: 1, code: "a + 1" }] });
    await store.recordCellResult(id, { key: 1, code: "a + 1" }, result("2"));
    await store.patchWorkspace({ sessionId: id, cells: [{ key: 1, code: "a + 1" }, { key: 0, code: "a = 2" }, { key: 5, code: "" }] });
    let w = await store.loadWorkspace(id);
    expect(w?.cells?.map((c) => [c.key, c.code, c.result?.output ?? null])).toEqual([
      [1, "a + 1", "2"],
      [0, "a = 2", null],
      [5, "", null],
    ]);
    await store.clearCellResults(id);
    w = await store.loadWorkspace(id);
    expect(w?.cells?.every((c) => c.result === null)).toBe(true);
  });

  it("a page load named after a save still on its way reads the workspace only once that save landed", async () => {
    const id = "sessionSEQ01";
    await store.patchWorkspace({ sessionId: id, scratch: { python: "old" } }, 10);
    const load = store.loadWorkspace(id, { afterSeq: 11, waitMs: 5_000 });
    // The save arrives after the page asked (what a reload does to a save sent as the page unloads).
    await new Promise((r) => setTimeout(r, 50));
    await store.patchWorkspace({ sessionId: id, scratch: { python: "new" } }, 11);
    expect((await load)?.scratch.python).toBe("new");
    // An older number does not wait; a save that never comes only delays the load.
    expect((await store.loadWorkspace(id, { afterSeq: 3, waitMs: 5_000 }))?.scratch.python).toBe("new");
    const t0 = Date.now();
    expect((await store.loadWorkspace(id, { afterSeq: 99, waitMs: 100 }))?.scratch.python).toBe("new");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
  });

  it("a save numbered below one already applied does not undo it (the later one carried its changes)", async () => {
    const id = "sessionSEQ02";
    await store.patchWorkspace({ sessionId: id, tool: "python", scratch: { shell: "echo 1" } }, 20);
    await store.patchWorkspace({ sessionId: id, tool: "python", scratch: { shell: "echo 1" } }, 20);
    await store.patchWorkspace({ sessionId: id, tool: "python", scratch: { shell: "echo 2" } }, 22);
    // The plain fetch the page sent first arrives last.
    await store.patchWorkspace({ sessionId: id, tool: "shell", scratch: { shell: "echo 1" } }, 21);
    const w = await store.loadWorkspace(id);
    expect(w?.tool).toBe("python");
    expect(w?.scratch.shell).toBe("echo 2");
    // Saves without a number (other callers) still apply.
    await store.patchWorkspace({ sessionId: id, tool: "notebook" });
    expect((await store.loadWorkspace(id))?.tool).toBe("notebook");
  });

  it("the flush cookie names a save of this session only", async () => {
    const { pendingFlushSeq } = await import("./cookie");
    expect(pendingFlushSeq("sessionSEQ01.1733000000123", "sessionSEQ01")).toBe(1733000000123);
    expect(pendingFlushSeq("otherSession.5", "sessionSEQ01")).toBeUndefined();
    expect(pendingFlushSeq("sessionSEQ01.", "sessionSEQ01")).toBeUndefined();
    expect(pendingFlushSeq(undefined, "sessionSEQ01")).toBeUndefined();
  });

  it("a run in flight is reported until its result lands, with the code it ran; a stale one is not", async () => {
    const id = "sessionRUN001";
    const ran = { code: "import time\ntime.sleep(9)", tool: "python" as const };
    await store.recordRunStart(id, { ...ran, run_id: "r1" });
    expect((await store.loadWorkspace(id))?.running).toMatchObject({ run_id: "r1", code: ran.code });
    await store.patchWorkspace({ sessionId: id, scratch: { python: "print('other code')" } });
    await store.recordResult(id, result("done\n"), ran, "r1");
    const w = await store.loadWorkspace(id);
    expect(w?.running).toBeNull();
    expect(w?.result_code).toEqual(ran);
    expect(w?.scratch.python).toBe("print('other code')");
    // A run recorded on disk that this process does not run (the server restarted) is not reported.
    const file = path.join(stateDir, "workspaces", `${id}.json`);
    const stored = JSON.parse(readFileSync(file, "utf8"));
    stored.running = { ...ran, run_id: "gone", started_ms: 1 };
    const { writeFileSync } = await import("node:fs");
    writeFileSync(file, JSON.stringify(stored));
    const fresh = "sessionRUN002";
    writeFileSync(path.join(stateDir, "workspaces", `${fresh}.json`), JSON.stringify(stored));
    expect((await store.loadWorkspace(fresh))?.running).toBeNull();
  });
});
