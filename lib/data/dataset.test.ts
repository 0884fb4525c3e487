import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parquetWriteFile } from "hyparquet-writer";
import { Dataset } from "./dataset";
import { rowQuerySchema } from "./query";
import { badInputFile, chatSample, promptLabelSample, slimeSample, toJsonl, verlSample } from "./testing/fixtures";
import type { DatasetFormat } from "./types";
import { rowFlags } from "./types";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "inspect-ds-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function load(name: string, content: string | Buffer, format?: DatasetFormat): Promise<Dataset> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  const ds = new Dataset({
    id: name,
    name,
    source: name,
    path: file,
    sizeBytes: fs.statSync(file).size,
    format,
    maxRecordBytes: 100_000,
    textCachePath: path.join(dir, `${name}.txt`),
    searchTimeoutMs: 10_000,
  });
  await ds.ready;
  return ds;
}

const q = (o: Record<string, unknown> = {}) => rowQuerySchema.parse(o);

describe("format detection and reading", () => {
  it("detects each format from JSONL", async () => {
    const cases: [string, unknown[], DatasetFormat][] = [
      ["slime.jsonl", [0, 1, 2, 3].map((i) => slimeSample(i)), "slime"],
      ["chat.jsonl", [0, 1].map(chatSample), "chat"],
      ["verl.jsonl", [0, 1, 2].map(verlSample), "verl"],
      ["pl.jsonl", [0, 1].map(promptLabelSample), "prompt_label"],
      ["raw.jsonl", [{ foo: 1 }, { foo: 2 }], "raw"],
    ];
    for (const [name, rows, fmt] of cases) {
      const ds = await load(name, toJsonl(rows));
      expect(ds.info().detected, name).toBe(fmt);
      expect(ds.info().rows, name).toBe(rows.length);
      expect(ds.info().problems, name).toBe(0);
    }
  });

  it("reads a slime sample back by offset with all its fields", async () => {
    const rows = [0, 1, 2, 3, 4, 5].map((i) => slimeSample(i));
    const ds = await load("slime2.jsonl", toJsonl(rows));
    const { sample } = await ds.sample(4);
    expect(sample.index).toBe(4);
    expect(sample.group_index).toBe(1);
    expect(sample.response).toBe(rows[4]!.response);
    expect(sample.tokens?.length).toBe((rows[4]!.tokens as number[]).length);
    expect(sample.reward).toBe(typeof rows[4]!.reward === "number" ? rows[4]!.reward : (rows[4]!.reward as { score: number }).score);
    expect(ds.info().has_tokens).toBe(true);
    const summary = ds.store.summary(4);
    expect(summary.status).toBe("aborted");
    expect(summary.tool_calls).toBe(rows[4]!.tool_call_count);
    expect(summary.response_length).toBe(rows[4]!.response_length);
  });

  it("keeps unknown fields and lets the user override the format", async () => {
    const ds = await load("chat2.jsonl", toJsonl([chatSample(0)]));
    const { sample } = await ds.sample(0);
    expect(sample.extra).toEqual({ source_tag: "chat-fixture" });
    expect(sample.response).toContain("<interpreter>");
    expect(sample.tool_call_count).toBe(1);
    const raw = await load("chat3.jsonl", toJsonl([chatSample(0)]), "raw");
    expect(raw.info().format).toBe("raw");
    expect(raw.info().detected).toBe("chat");
    expect((await raw.sample(0)).sample.extra).toHaveProperty("messages");
  });

  it("reads a JSON array whose elements span lines and contain brackets in strings", async () => {
    const rows = [verlSample(0), { ...verlSample(1), output: "tricky ] , } [ { \" text" }, verlSample(2)];
    const ds = await load("arr.json", JSON.stringify(rows, null, 2));
    expect(ds.info().container).toBe("json_array");
    expect(ds.info().rows).toBe(3);
    expect((await ds.sample(1)).sample.response).toBe("tricky ] , } [ { \" text");
    expect(ds.store.line[2]).toBeGreaterThan(ds.store.line[1]!);
    expect(await ds.exportLine(1)).toBe(JSON.stringify(rows[1]));
  });

  it("reads Parquet, including 64-bit integers", async () => {
    const file = path.join(dir, "p.parquet");
    parquetWriteFile({
      filename: file,
      columnData: [
        { name: "prompt", data: ["p0", "p1", "p2"], type: "STRING" },
        { name: "response", data: ["r0 Answer: \\boxed{1}", "r1", "r2"], type: "STRING" },
        { name: "reward", data: [1, 0, 0.5], type: "DOUBLE" },
        { name: "index", data: [0n, 1n, 2n], type: "INT64" },
        { name: "status", data: ["completed", "truncated", "completed"], type: "STRING" },
      ],
    });
    const ds = new Dataset({ id: "pq", name: "p.parquet", source: "p.parquet", path: file, sizeBytes: fs.statSync(file).size, maxRecordBytes: 1e6, textCachePath: path.join(dir, "pq.txt"), searchTimeoutMs: 10_000 });
    await ds.ready;
    expect(ds.info()).toMatchObject({ container: "parquet", detected: "slime", rows: 3, problems: 0 });
    const s = (await ds.sample(2)).sample;
    expect(s).toMatchObject({ index: 2, reward: 0.5, status: "completed", response: "r2" });
    const page = await ds.view.page(q({ status: "truncated" }), 0, 10);
    expect(page.rows.map((r) => r.row)).toEqual([1]);
  });
});

describe("bad input", () => {
  it("reports every defect with its line and loads the rest", async () => {
    const { buf, lines } = badInputFile();
    const ds = await load("bad.jsonl", buf);
    const info = ds.info();
    expect(info.rows).toBe(8);
    const byKind = (k: string) => ds.problems.filter((p) => p.kind === k).map((p) => p.line);
    expect(byKind("malformed_json")).toEqual([lines.malformed]);
    expect(byKind("invalid_utf8")).toEqual([lines.badUtf8]);
    expect(byKind("line_too_large")).toEqual([lines.huge]);
    expect(byKind("not_object")).toEqual([lines.notObject]);
    const wrong = ds.problems.filter((p) => p.kind === "wrong_type");
    expect(new Set(wrong.map((p) => p.line))).toEqual(new Set([lines.wrongTypes]));
    expect(wrong.map((p) => p.field).sort()).toEqual(["response", "reward", "tokens", "tool_call_count"]);
    // Good rows are intact.
    expect((await ds.sample(7)).sample.index).toBe(2);
    // The invalid UTF-8 row still loads, with a replacement character.
    expect((await ds.sample(lines.badUtf8! - 1)).sample.prompt).toContain("\uFFFD");
    // has-error selects exactly the broken rows.
    const errs = await ds.view.page(q({ err: true }), 0, 100);
    expect(errs.rows.map((r) => r.line).sort((a, b) => a - b)).toEqual(
      [lines.malformed, lines.badUtf8, lines.wrongTypes, lines.huge, lines.notObject].sort((a, b) => a! - b!),
    );
    expect(ds.store.flags[lines.huge! - 1]! & rowFlags.tooLarge).toBeTruthy();
    // A huge row opens as a truncated raw view instead of failing.
    const hugeRow = await ds.sample(lines.huge! - 1);
    expect(hugeRow.raw_truncated).toBe(true);
  });

  it("reports a JSON array that is cut off", async () => {
    const ds = await load("cut.json", '[{"prompt": "a", "label": "1"}, {"prompt": "b", "lab');
    expect(ds.info().rows).toBe(2);
    expect(ds.problems.map((p) => p.kind)).toEqual(["malformed_json"]);
  });

  it("reports a file that is neither JSONL nor a JSON array", async () => {
    const ds = await load("junk.jsonl", "hello world\nnot json either\n");
    expect(ds.info().rows).toBe(2);
    expect(ds.problems.map((p) => [p.kind, p.line])).toEqual([["malformed_json", 1], ["malformed_json", 2]]);
  });
});

describe("filters, sorting and search", () => {
  let ds: Dataset;
  beforeAll(async () => {
    ds = await load("many.jsonl", toJsonl(Array.from({ length: 200 }, (_, i) => slimeSample(i))));
  });

  it("filters by status, reward range, tool calls and group", async () => {
    const rows = Array.from({ length: 200 }, (_, i) => slimeSample(i));
    const expectRows = (pred: (r: Record<string, unknown>) => boolean) => rows.filter(pred).map((r) => r.index);
    const score = (r: Record<string, unknown>) => (typeof r.reward === "number" ? r.reward : (r.reward as { score: number }).score);
    const got = async (o: Record<string, unknown>) => (await ds.view.page(q(o), 0, 1000)).rows.map((r) => r.index);
    expect(await got({ status: "truncated,aborted" })).toEqual(expectRows((r) => r.status === "truncated" || r.status === "aborted"));
    expect(await got({ rmin: 0 })).toEqual(expectRows((r) => score(r) >= 0));
    expect(await got({ tcmin: 2, tcmax: 2 })).toEqual(expectRows((r) => r.tool_call_count === 2));
    expect(await got({ group: 3 })).toEqual([12, 13, 14, 15]);
  });

  it("sorts by any column with missing values last", async () => {
    const page = await ds.view.page(q({ sort: "tool_calls", desc: true }), 0, 200);
    const tc = page.rows.map((r) => r.tool_calls!);
    expect(tc).toEqual([...tc].sort((a, b) => b - a));
    expect(tc[0]).toBe(3);
    const byStatus = await ds.view.page(q({ sort: "status" }), 0, 200);
    expect(byStatus.rows[0]!.status).toBe("aborted");
    expect(byStatus.rows.at(-1)!.status).toBe("truncated");
  });

  it("searches text and regex over prompt and response", async () => {
    const plain = await ds.view.page(q({ q: "PROBLEM 7:" }), 0, 100);
    expect(plain.rows.map((r) => r.group)).toEqual([7, 7, 7, 7].map(() => plain.rows[0]!.group));
    expect(plain.matched).toBe(4);
    const cs = await ds.view.page(q({ q: "PROBLEM 7:", cs: true }), 0, 100);
    expect(cs.matched).toBe(0);
    const re = await ds.view.page(q({ q: "Problem (7|8):", re: true }), 0, 100);
    expect(re.matched).toBe(8);
    const bad = await ds.view.page(q({ q: "(unclosed", re: true }), 0, 100);
    expect(bad.error).toMatch(/Invalid regular expression/);
    expect(bad.rows).toEqual([]);
  });

  it("gives group stats: mean reward and pass rate", async () => {
    const g = await ds.view.group(2);
    const rows = [8, 9, 10, 11].map((i) => slimeSample(i));
    const rewards = rows.map((r) => (typeof r.reward === "number" ? r.reward : (r.reward as { score: number }).score));
    expect(g.rows).toEqual([8, 9, 10, 11]);
    expect(g.mean_reward).toBeCloseTo(rewards.reduce((a, b) => a + b, 0) / 4);
    expect(g.pass_rate).toBeCloseTo(rewards.filter((r) => r > 0).length / 4);
    expect(g.samples).toHaveLength(4);
  });
});

describe("index-time parsing", () => {
  it("summarizes token arrays by length without keeping them, and reads samples in full", async () => {
    const row = { prompt: "p", response: "r", tokens: [1, 2, 3], loss_mask: [1, 0], rollout_log_probs: [-0.5, null], status: "completed", metadata: { note: '"tokens": [9]' } };
    const ds = await load("idx.jsonl", toJsonl([row, { ...row, loss_mask: ["x"] }]));
    expect(ds.info().has_tokens).toBe(true);
    expect(ds.store.summary(0).response_length).toBe(2);
    expect((await ds.sample(0)).sample.tokens).toEqual([1, 2, 3]);
    expect((await ds.sample(0)).sample.metadata).toEqual({ note: '"tokens": [9]' });
    // A non-numeric array is not cut out, so its wrong type is still reported at index time.
    expect(ds.problems.map((p) => [p.line, p.field])).toEqual([[2, "loss_mask"]]);
  });
});

describe("links to rows not indexed yet", () => {
  it("waits for the row while indexing, and says no once indexing is over", async () => {
    const file = path.join(dir, "wait.jsonl");
    fs.writeFileSync(file, toJsonl(Array.from({ length: 3000 }, (_, i) => slimeSample(i))));
    const ds = new Dataset({ id: "w", name: "wait.jsonl", source: "w", path: file, sizeBytes: fs.statSync(file).size, maxRecordBytes: 1e6, textCachePath: path.join(dir, "w.txt"), searchTimeoutMs: 10_000 });
    expect(ds.store.length).toBe(0);
    expect(await ds.waitForRow(2999)).toBe(true);
    expect((await ds.sample(2999)).sample.index).toBe(2999);
    expect(await ds.waitForRow(3000)).toBe(false);
  });
});
