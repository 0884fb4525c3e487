// The lazy index (byte scan + worker threads) must give exactly what the one-pass index gives:
// same rows, columns, previews, problems, fields and search results, on clean and broken files.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import { Dataset } from "./dataset";
import { summarizeWorkerTasks } from "./lazy-index";
import { scanJsonlOffsets } from "./scan";
import { badInputFile, chatSample, slimeSample, toJsonl } from "./testing/fixtures";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "inspect-lazy-"));
});
afterAll(() => {
  process.env.PLAYGROUND_INSPECT_WORKERS_MIN_MB = "";
  resetServerEnvForTests();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function open(file: string, lazy: boolean): Promise<Dataset> {
  process.env.PLAYGROUND_INSPECT_WORKERS_MIN_MB = lazy ? "0" : "100000";
  resetServerEnvForTests();
  const name = path.basename(file);
  const ds = new Dataset({
    id: `${name}-${lazy}`, name, source: name, path: file, sizeBytes: fs.statSync(file).size,
    maxRecordBytes: 20_000, textCachePath: path.join(dir, `${name}-${lazy}.txt`), searchTimeoutMs: 10_000,
  });
  await ds.ready;
  return ds;
}

function snapshot(ds: Dataset) {
  const info = ds.info();
  const rows = Array.from({ length: ds.store.length }, (_, i) => ({ ...ds.store.summary(i), offset: ds.store.offset[i], length: ds.store.byteLength[i] }));
  return { info: { ...info, id: "", index_ms: 0 }, rows, problems: ds.problems };
}

describe("lazy JSON Lines index", () => {
  it("matches the one-pass index on a file with every kind of defect", async () => {
    const good = toJsonl([...Array.from({ length: 5000 }, (_, i) => slimeSample(i)), chatSample(1)]);
    const bad = badInputFile().buf;
    const huge = `${JSON.stringify({ prompt: "p", response: "x".repeat(30_000) })}\n`;
    const file = path.join(dir, "mixed.jsonl");
    fs.writeFileSync(file, Buffer.concat([Buffer.from(good), bad, Buffer.from(`\r\n  \n${huge}{"prompt":"ü ≤ 😀","response":"Answer: \\\\boxed{1}"}\r\n{"prompt":"last, no newline"}`)]));
    const lazy = await open(file, true);
    const eager = await open(file, false);
    expect(lazy.scanMs).not.toBeNull();
    expect(eager.scanMs).toBeNull();
    expect(lazy.rowsScanned).toBe(eager.store.length);
    expect(summarizeWorkerTasks()).toBeGreaterThan(0);
    expect(snapshot(lazy)).toEqual(snapshot(eager));
    const q = { q: "boxed", re: false, cs: false } as const;
    const [a, b] = await Promise.all([lazy.view.search(q), eager.view.search(q)]);
    expect(a && b).toBeTruthy();
    const ma = await a!;
    const mb = await b!;
    if (!ma.ok || !mb.ok) throw new Error("search failed");
    expect(ma.value.matches).toBeGreaterThan(0);
    expect(ma.value.matches).toBe(mb.value.matches);
    expect(Buffer.from(ma.value.mask).equals(Buffer.from(mb.value.mask))).toBe(true);
    // Samples read back the same through either index.
    for (const row of [0, 4999, lazy.store.length - 1]) expect((await lazy.sample(row)).sample).toEqual((await eager.sample(row)).sample);
  });

  it("the row count from the byte scan is in the info before every row is listed", async () => {
    const file = path.join(dir, "count.jsonl");
    fs.writeFileSync(file, toJsonl(Array.from({ length: 4000 }, (_, i) => slimeSample(i))));
    process.env.PLAYGROUND_INSPECT_WORKERS_MIN_MB = "0";
    resetServerEnvForTests();
    const ds = new Dataset({
      id: "count", name: "count.jsonl", source: "count.jsonl", path: file, sizeBytes: fs.statSync(file).size,
      maxRecordBytes: 20_000, textCachePath: path.join(dir, "count.txt"), searchTimeoutMs: 10_000,
    });
    // What a person polling the info would see at each step the index reports.
    const seen: { rows: number; found: number | null; indexing: boolean }[] = [];
    const progress = ds.progress.bind(ds);
    ds.progress = async (bytes: number) => {
      const i = ds.info();
      seen.push({ rows: i.rows, found: i.rows_found, indexing: i.indexing });
      return progress(bytes);
    };
    await ds.ready;
    expect(seen.some((s) => s.indexing && s.found === 4000 && s.rows < 4000)).toBe(true);
    expect(seen.every((s) => s.found === null || s.found === 4000)).toBe(true);
    expect(ds.info()).toMatchObject({ rows: 4000, rows_found: 4000, indexing: false });
  });

  it("the byte scan finds lines across chunk boundaries, skips blank lines and keeps CRs in the length", async () => {
    const file = path.join(dir, "chunks.jsonl");
    const lines = ['{"a":1}', "", "   ", '{"b":"' + "y".repeat(100) + '"}\r', '{"c":3}'];
    fs.writeFileSync(file, lines.join("\n"));
    const got: { offset: number; length: number; line: number; tooLarge: boolean }[] = [];
    for await (const b of scanJsonlOffsets(file, { maxRecordBytes: 50, chunkBytes: 7 })) got.push(...b.records);
    expect(got).toEqual([
      { offset: 0, length: 7, line: 1, tooLarge: false },
      { offset: 13, length: 109, line: 4, tooLarge: true },
      { offset: 123, length: 7, line: 5, tooLarge: false },
    ]);
  });
});
