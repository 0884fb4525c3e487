import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import { sessionCount } from "@/lib/sandbox/sessions";
import type { Sandbox } from "@/lib/sandbox/types";
import { acquireReexecSandbox } from "./batch-jobs";
import { Dataset } from "./dataset";
import { rowQuerySchema } from "./query";
import { slimeSample, toJsonl } from "./testing/fixtures";
import type { ReexecEvent } from "./types";

// Integration: re-execution runs the code cells in the real local sandbox backend, in a sandbox
// the session manager holds (so server shutdown would close it).

let dir: string;
let ds: Dataset;
let sandbox: Sandbox;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "inspect-actions-"));
  process.env.PLAYGROUND_STATE_DIR = path.join(dir, "state");
  resetServerEnvForTests();
  const file = path.join(dir, "r.jsonl");
  fs.writeFileSync(file, toJsonl(Array.from({ length: 8 }, (_, i) => slimeSample(i, { mismatchEvery: 4 }))));
  ds = new Dataset({ id: "a", name: "r.jsonl", source: "r.jsonl", path: file, sizeBytes: fs.statSync(file).size, maxRecordBytes: 1e6, textCachePath: path.join(dir, "t.txt"), searchTimeoutMs: 500 });
  await ds.ready;
  const before = sessionCount();
  const acquired = await acquireReexecSandbox("local");
  if (!acquired.ok) throw new Error(acquired.error.message);
  sandbox = acquired.value;
  expect(sessionCount()).toBe(before + 1);
});
afterAll(async () => {
  await sandbox?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("re-execution", () => {
  it("flags exactly the samples whose recorded output does not reproduce", async () => {
    const events: ReexecEvent[] = [];
    await ds.jobs.reexecute([0, 1, 2, 3, 4, 5, 6, 7], { sandbox, signal: new AbortController().signal, emit: (e) => events.push(e) });
    const done = events.at(-1)!;
    expect(done).toMatchObject({ type: "done", done: 8, total: 8, mismatches: 2, errors: 0, mismatched_rows: [3, 7], cancelled: false });
    expect(ds.store.reexecOf(3)).toBe("mismatch");
    expect(ds.store.reexecOf(0)).toBe("match");
    const rec = ds.jobs.reexecOf(3)!;
    expect(rec.details[0]).toMatchObject({ match: false, recorded: "Output:\n31", status: "success" });
    expect(rec.details[0]!.live.trim()).toBe("Output:\n30");
    expect(rec.details.slice(1).every((d) => d.match)).toBe(true);
    const page = await ds.view.page(rowQuerySchema.parse({ mismatch: true }), 0, 10);
    expect(page.rows.map((r) => r.row)).toEqual([3, 7]);
  });

  it("stops when cancelled and reports how far it got", async () => {
    const ctrl = new AbortController();
    const events: ReexecEvent[] = [];
    await ds.jobs.reexecute([0, 1, 2, 3, 4, 5, 6, 7], {
      sandbox,
      signal: ctrl.signal,
      concurrency: 1,
      emit: (e) => {
        events.push(e);
        if (e.type === "row") ctrl.abort();
      },
    });
    const done = events.at(-1)!;
    expect(done.type).toBe("done");
    if (done.type === "done") {
      expect(done.cancelled).toBe(true);
      expect(done.done).toBe(1);
    }
  });
});

describe("the sandbox of a re-execution", () => {
  it("goes back to the session manager when closed, and a cancelled acquisition leaves none behind", async () => {
    const before = sessionCount();
    const r = await acquireReexecSandbox("local");
    if (!r.ok) throw new Error(r.error.message);
    expect(sessionCount()).toBe(before + 1);
    await r.value.close();
    expect(sessionCount()).toBe(before);
    const ctrl = new AbortController();
    ctrl.abort();
    const cancelled = await acquireReexecSandbox("local", ctrl.signal);
    expect(cancelled.ok).toBe(false);
    expect(sessionCount()).toBe(before);
  });
});

describe("search safety", () => {
  it("stops a catastrophic regular expression and keeps serving", async () => {
    const file = path.join(dir, "redos.jsonl");
    fs.writeFileSync(file, toJsonl([{ prompt: "a".repeat(40) + "!", response: "x" }, { prompt: "ok", response: "y" }]));
    const d = new Dataset({ id: "r", name: "redos.jsonl", source: "r", path: file, sizeBytes: fs.statSync(file).size, maxRecordBytes: 1e6, textCachePath: path.join(dir, "r.txt"), searchTimeoutMs: 300 });
    await d.ready;
    const page = await d.view.page(rowQuerySchema.parse({ q: "^(a+)+$", re: true }), 0, 10);
    expect(page.error).toMatch(/stopped after/);
    // The event loop was never blocked: other queries still answer, and a sane regex works
    // (with a generous limit, so a loaded machine's slow worker start cannot fail it).
    d.opts.searchTimeoutMs = 120_000;
    const sane = await d.view.page(rowQuerySchema.parse({ q: "ok", re: true }), 0, 10);
    expect(sane.error).toBeNull();
    expect(sane.matched).toBe(1);
  });
});
