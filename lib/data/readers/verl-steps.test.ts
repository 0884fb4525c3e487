import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowFlags } from "../types";
import type { RecordDefect } from "./types";
import { VerlStepsReader, verlStepFiles } from "./verl-steps";
import { Dataset } from "../dataset";

// Step files written here (no PyTorch needed): bad lines must surface as problems, as in JSON Lines.
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "verl-steps-"));
  const line = (i: number) => JSON.stringify({ input: `q${i}`, output: `a${i}`, gts: "1", score: 1 });
  fs.writeFileSync(path.join(dir, "3.jsonl"), [line(0), '{"input": "q1", "output":', line(2), "[1, 2]", ""].join("\n"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function scanAll(r: VerlStepsReader) {
  const records: Record<string, unknown>[] = [];
  const defects: (RecordDefect | null)[] = [];
  for await (const b of r.scan()) {
    records.push(...b.records);
    defects.push(...(b.defects ?? b.records.map(() => null)));
  }
  return { records, defects };
}

describe("verl step files", () => {
  it("reports a malformed line as malformed_json with the malformed flag, keeping its step", async () => {
    const r = new VerlStepsReader(verlStepFiles(dir), []);
    const { records, defects } = await scanAll(r);
    expect(records).toHaveLength(4);
    expect(records.map((x) => x.step)).toEqual([3, 3, 3, 3]);
    expect(defects[0]).toBeNull();
    expect(defects[2]).toBeNull();
    expect(defects[1]).toMatchObject({ flags: rowFlags.malformed, unparsed: true, problems: [{ kind: "malformed_json", line: 2, row: 1 }] });
    expect(defects[1]!.problems[0]!.message).toMatch(/^3\.jsonl: malformed JSON/);
    expect(defects[3]).toMatchObject({ flags: rowFlags.notObject, unparsed: false, problems: [{ kind: "not_object", line: 4, row: 3 }] });
    expect((await r.readRow(1)).step).toBe(3);
    expect((await r.readRow(2)).output).toBe("a2");
  });

  it("uses the record-size limit it is given", async () => {
    const r = new VerlStepsReader(verlStepFiles(dir), [], 10);
    const { defects } = await scanAll(r);
    expect(defects[0]).toMatchObject({ flags: rowFlags.tooLarge, unparsed: true, problems: [{ kind: "line_too_large" }] });
  });

  it("a dataset opened on the folder counts the bad lines as problems and flags their rows", async () => {
    const ds = new Dataset({
      id: "verl-defects", name: path.basename(dir), source: path.basename(dir), path: dir, sizeBytes: 0,
      maxRecordBytes: 1 << 20, textCachePath: path.join(dir, "text-cache.txt"), searchTimeoutMs: 10_000,
    });
    await ds.ready;
    const info = ds.info();
    expect(info.rows).toBe(4);
    expect(info.problem_counts).toMatchObject({ malformed_json: 1, not_object: 1 });
    expect(ds.store.flags[1]! & rowFlags.malformed).toBeTruthy();
    expect(ds.store.flags[0]! & rowFlags.malformed).toBeFalsy();
    ds.close();
  });
});
