import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import { loadTokenizer } from "@/lib/rollout/tokens";
import { writeTinyTokenizer } from "@/lib/rollout/testing/tiny-tokenizer";
import { slimeSample, toJsonl } from "@/lib/data/testing/fixtures";
import type { DatasetInfo, RowsPage } from "@/lib/data/types";
import { POST as openRoute } from "./route";
import { GET as filesRoute } from "./files/route";
import { POST as uploadStart } from "./upload/route";
import { POST as uploadFinish, PUT as uploadChunk } from "./upload/[uploadId]/route";
import { GET as infoRoute } from "./[id]/route";
import { GET as rowsRoute } from "./[id]/rows/route";
import { GET as sampleRoute } from "./[id]/samples/[row]/route";
import { GET as chatRoute } from "./[id]/samples/[row]/chat/route";
import { GET as searchRoute } from "./[id]/search/route";
import { GET as exportRoute } from "./[id]/export/route";
import { POST as rescoreRoute } from "./[id]/rescore/route";
import { POST as reexecuteRoute } from "./[id]/reexecute/route";
import { sessionCount } from "@/lib/sandbox/sessions";
import { GET as groupRoute } from "./[id]/groups/[group]/route";

// The route handlers called directly with real Requests, on real files in a temp data dir.

let base: string;
const rows = Array.from({ length: 12 }, (_, i) => slimeSample(i));
const u = (p: string) => `http://test${p}`;
const params = <T>(p: T) => ({ params: Promise.resolve(p) });

async function ready(id: string): Promise<DatasetInfo> {
  for (;;) {
    const info = (await (await infoRoute(new Request(u(`/api/datasets/${id}`)), params({ id }))).json()) as DatasetInfo;
    if (!info.indexing) return info;
    await new Promise((r) => setTimeout(r, 10));
  }
}
async function open(source: string): Promise<Response> {
  return openRoute(new Request(u("/api/datasets"), { method: "POST", body: JSON.stringify({ source }) }));
}

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), "inspect-routes-"));
  fs.mkdirSync(path.join(base, "data", "runs"), { recursive: true });
  fs.writeFileSync(path.join(base, "data", "runs", "r.jsonl"), toJsonl(rows));
  fs.writeFileSync(path.join(base, "outside.jsonl"), toJsonl(rows));
  process.env.PLAYGROUND_DATA_DIR = path.join(base, "data");
  process.env.PLAYGROUND_INSPECT_CACHE_DIR = path.join(base, "cache");
  resetServerEnvForTests();
});
afterAll(() => {
  delete process.env.PLAYGROUND_DATA_DIR;
  delete process.env.PLAYGROUND_INSPECT_CACHE_DIR;
  resetServerEnvForTests();
  fs.rmSync(base, { recursive: true, force: true });
});

describe("/api/datasets", () => {
  it("the open answer already counts the first rows of a large file that is still indexing", async () => {
    // The lazy (byte scan + workers) path for any size, and a file that takes a while to index.
    process.env.PLAYGROUND_INSPECT_WORKERS_MIN_MB = "0";
    resetServerEnvForTests();
    try {
      fs.writeFileSync(path.join(base, "data", "big.jsonl"), toJsonl(Array.from({ length: 6000 }, (_, i) => slimeSample(i))));
      const info = (await (await open("big.jsonl")).json()) as DatasetInfo;
      expect(info.rows).toBeGreaterThan(0);
      expect((await ready(info.id)).rows).toBe(6000);
    } finally {
      delete process.env.PLAYGROUND_INSPECT_WORKERS_MIN_MB;
      resetServerEnvForTests();
    }
  });

  it("lists the data dir and refuses paths outside it", async () => {
    const list = await (await filesRoute(new Request(u("/api/datasets/files?dir=runs")))).json();
    expect(list.entries).toEqual([{ name: "r.jsonl", path: "runs/r.jsonl", type: "file", size: fs.statSync(path.join(base, "data", "runs", "r.jsonl")).size }]);
    const out = await open("../outside.jsonl");
    expect(out.status).toBe(403);
    expect((await out.json()).error.code).toBe("forbidden:path");
    expect((await openRoute(new Request(u("/api/datasets"), { method: "POST", body: "{}" }))).status).toBe(400);
    expect((await filesRoute(new Request(u("/api/datasets/files?dir=..")))).status).toBe(403);
  });

  it("opens, pages, filters, reads a sample with neighbours, and exports", async () => {
    const info = (await (await open("runs/r.jsonl")).json()) as DatasetInfo;
    const id = info.id;
    expect((await ready(id)).rows).toBe(12);
    const page = (await (await rowsRoute(new Request(u(`/api/datasets/${id}/rows?status=completed&sort=index&desc=1&limit=2`)), params({ id }))).json()) as RowsPage;
    const completed = rows.filter((r) => r.status === "completed").map((r) => r.index as number).reverse();
    expect(page.matched).toBe(completed.length);
    expect(page.rows.map((r) => r.index)).toEqual(completed.slice(0, 2));
    expect((await rowsRoute(new Request(u(`/api/datasets/${id}/rows?limit=0`)), params({ id }))).status).toBe(400);

    const s = await (await sampleRoute(new Request(u(`/api/datasets/${id}/samples/${completed[1]}?status=completed&sort=index&desc=1`)), params({ id, row: String(completed[1]) }))).json();
    expect(s.sample.index).toBe(completed[1]);
    expect(s.nav).toEqual({ position: 1, prev: completed[0], next: completed[2], matched: completed.length });
    // No tokenizer configured: the embedded Qwen3 tokenizer names the tokens.
    expect(s.tokenizer_note).toMatch(/Qwen3 tokenizer \(embedded/);
    expect((await sampleRoute(new Request(u(`/api/datasets/${id}/samples/99`)), params({ id, row: "99" }))).status).toBe(404);

    const chat = await (await chatRoute(new Request(u(`/api/datasets/${id}/samples/5/chat?turn=0`)), params({ id, row: "5" }))).json();
    expect(chat).toMatchObject({ prompt: "Problem 1: what is 11 * 4 + 1?", label: "45", row: 5, turn: 0, source: "runs/r.jsonl" });
    // Every recorded turn goes along (Chat continues after the picked one), and the templated prompt as it is.
    expect(chat.assistant).toMatch(/<\/interpreter>[\s\S]*\\boxed\{/);
    expect(chat.prompt_text).toMatch(/^<\|im_start\|>system\n/);

    const exp = await exportRoute(new Request(u(`/api/datasets/${id}/export?what=filtered&group=1`)), params({ id }));
    expect(exp.headers.get("content-disposition")).toContain("r.filtered.jsonl");
    const lines = (await exp.text()).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).index)).toEqual([4, 5, 6, 7]);
    expect(lines[0]).toBe(JSON.stringify(rows[4]));

    const group = await (await groupRoute(new Request(u(`/api/datasets/${id}/groups/1`)), params({ id, group: "1" }))).json();
    expect(group.rows).toEqual([4, 5, 6, 7]);
  });

  it("streams search progress and re-scoring, then filters disagreements and exports them", async () => {
    const { id } = (await (await open("runs/r.jsonl")).json()) as DatasetInfo;
    await ready(id);
    const events = (await (await searchRoute(new Request(u(`/api/datasets/${id}/search?q=Problem%202:`)), params({ id }))).text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(events.at(-1)).toMatchObject({ type: "done", matches: 4 });
    const bad = (await (await searchRoute(new Request(u(`/api/datasets/${id}/search?q=(&re=1`)), params({ id }))).text()).trim();
    expect(JSON.parse(bad.split("\n").at(-1)!)).toMatchObject({ type: "error" });

    const res = await rescoreRoute(new Request(u(`/api/datasets/${id}/rescore`), { method: "POST", body: JSON.stringify({ reward_type: "retool" }) }), params({ id }));
    const evs = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    const done = evs.at(-1);
    expect(done).toMatchObject({ type: "done", done: 12, total: 12, errors: 0, cancelled: false });
    // Fixture rewards are ±1; slime's ReTool reward nudges wrong answers by the tool-call count.
    const expectedDisagree = rows.filter((r) => {
      const score = typeof r.reward === "number" ? r.reward : (r.reward as { score: number }).score;
      return score < 0 && r.tool_call_count !== 2;
    }).length;
    expect(done.disagreements).toBe(expectedDisagree);
    const page = (await (await rowsRoute(new Request(u(`/api/datasets/${id}/rows?disagree=1`)), params({ id }))).json()) as RowsPage;
    expect(page.matched).toBe(expectedDisagree);
    for (const r of page.rows) expect(r.rescored).not.toBe(r.reward);
    const exp = (await (await exportRoute(new Request(u(`/api/datasets/${id}/export?what=rescore&disagree=1`)), params({ id }))).text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(exp).toHaveLength(expectedDisagree);
    expect(exp[0]).toMatchObject({ reward_type: "retool", agree: false });
    expect((await rescoreRoute(new Request(u(`/api/datasets/${id}/rescore`), { method: "POST", body: JSON.stringify({ reward_type: "nope" }) }), params({ id }))).status).toBe(400);
  });

  it("answers every failure in the one error envelope, naming the field", async () => {
    const gone = await rowsRoute(new Request(u("/api/datasets/0000/rows")), params({ id: "0000" }));
    expect(gone.status).toBe(404);
    expect((await gone.json()).error).toMatchObject({ code: "not_found:dataset", message: expect.stringMatching(/not open/) });
    const { id } = (await (await open("runs/r.jsonl")).json()) as DatasetInfo;
    await ready(id);
    const badQuery = await rowsRoute(new Request(u(`/api/datasets/${id}/rows?limit=0`)), params({ id }));
    expect(await badQuery.json()).toEqual({ error: { code: "bad_request:query", message: expect.stringMatching(/^limit: /), field: "limit" } });
    const badParam = await groupRoute(new Request(u(`/api/datasets/${id}/groups/x`)), params({ id, group: "x" }));
    expect((await badParam.json()).error).toMatchObject({ code: "bad_request:params", field: "group" });
    // A batch over a filter that cannot run is refused before it starts, not run on zero rows.
    const badRegex = await rescoreRoute(new Request(u(`/api/datasets/${id}/rescore`), { method: "POST", body: JSON.stringify({ reward_type: "retool", scope: "filtered", query: { q: "(", re: true } }) }), params({ id }));
    expect(badRegex.status).toBe(400);
    expect((await badRegex.json()).error).toMatchObject({ code: "bad_request:query", message: expect.stringMatching(/Invalid regular expression/) });
    const badBody = await rescoreRoute(new Request(u(`/api/datasets/${id}/rescore`), { method: "POST", body: "not json" }), params({ id }));
    expect((await badBody.json()).error.code).toBe("bad_request:body");
  });

  it("re-executes a sample in a sandbox the session manager holds, and gives it back", async () => {
    fs.writeFileSync(path.join(base, "data", "mm.jsonl"), toJsonl(Array.from({ length: 4 }, (_, i) => slimeSample(i, { mismatchEvery: 4 }))));
    const { id } = (await (await open("mm.jsonl")).json()) as DatasetInfo;
    await ready(id);
    const before = sessionCount();
    const res = await reexecuteRoute(new Request(u(`/api/datasets/${id}/reexecute`), { method: "POST", body: JSON.stringify({ rows: [3], backend: "local" }) }), params({ id }));
    expect(res.status).toBe(200);
    const evs = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(evs.at(-1)).toMatchObject({ type: "done", done: 1, mismatches: 1, mismatched_rows: [3], cancelled: false });
    expect(sessionCount()).toBe(before);
    const missing = await reexecuteRoute(new Request(u(`/api/datasets/${id}/reexecute`), { method: "POST", body: JSON.stringify({ rows: [9] }) }), params({ id }));
    expect((await missing.json()).error).toMatchObject({ code: "not_found:row", field: "rows" });
  });

  it("stores a chunked upload on disk and opens it", async () => {
    const content = Buffer.from(toJsonl(rows.slice(0, 3)));
    const start = await (await uploadStart(new Request(u("/api/datasets/upload"), { method: "POST", body: JSON.stringify({ name: "my run.jsonl" }) }))).json();
    expect(start.source).toMatch(/^upload:[0-9a-f]{16}\/my_run\.jsonl$/);
    const up = (uploadId: string) => params({ uploadId });
    const put = (offset: number, body: Uint8Array) => uploadChunk(new Request(u(`/api/datasets/upload/${start.upload_id}?offset=${offset}`), { method: "PUT", body: new Blob([new Uint8Array(body)]) }), up(start.upload_id));
    const half = Math.floor(content.length / 2);
    expect(await (await put(0, content.subarray(0, half))).json()).toEqual({ size: half });
    // A repeated chunk (a retry after a lost answer) is refused instead of duplicated.
    expect((await put(0, content.subarray(0, half))).status).toBe(400);
    const finishEarly = await uploadFinish(new Request(u("/x"), { method: "POST", body: JSON.stringify({ size: content.length }) }), up(start.upload_id));
    expect((await finishEarly.json()).error.message).toMatch(/incomplete/);
    expect(await (await put(half, content.subarray(half))).json()).toEqual({ size: content.length });
    const info = (await (await uploadFinish(new Request(u("/x"), { method: "POST", body: JSON.stringify({ size: content.length }) }), up(start.upload_id))).json()) as DatasetInfo;
    expect(info.source).toBe(start.source);
    expect((await ready(info.id)).rows).toBe(3);
    expect((await uploadStart(new Request(u("/api/datasets/upload"), { method: "POST", body: JSON.stringify({ name: "x.exe" }) }))).status).toBe(400);
    // slime's dumps upload like any dataset (the README and the page say they open by upload).
    for (const name of ["rollout_3.pt", "train.PTH", "samples.pkl"])
      expect((await uploadStart(new Request(u("/api/datasets/upload"), { method: "POST", body: JSON.stringify({ name }) }))).status).toBe(200);
    expect((await put(0, new Uint8Array(9 * 1024 * 1024))).status).toBe(400);
    expect((await uploadChunk(new Request(u("/x?offset=0"), { method: "PUT", body: "x" }), up("0000000000000000"))).status).toBe(404);
    // The upload namespace is confined too.
    expect((await open("upload:../../outside.jsonl")).status).toBe(403);
  });

  it("shows token text when the server has a tokenizer", async () => {
    const tokDir = await writeTinyTokenizer(path.join(base, "tok"));
    const loaded = await loadTokenizer(tokDir);
    if (!loaded.ok) throw new Error(loaded.error.message);
    const text = "Answer: 42 is the answer";
    const ids = loaded.value.encode!(text);
    fs.writeFileSync(path.join(base, "data", "tok.jsonl"), toJsonl([{ prompt: "p", response: text, tokens: ids, loss_mask: ids.slice(1).map(() => 1), status: "completed" }]));
    process.env.PLAYGROUND_TOKENIZER_DIR = tokDir;
    resetServerEnvForTests();
    try {
      const { id } = (await (await open("tok.jsonl")).json()) as DatasetInfo;
      await ready(id);
      const s = await (await sampleRoute(new Request(u(`/api/datasets/${id}/samples/0`)), params({ id, row: "0" }))).json();
      expect(s.token_pieces).toHaveLength(ids.length);
      expect((s.token_pieces as string[]).join("")).toBe(text);
      expect(s.tokenizer_note).toContain("tokenizer.json");
    } finally {
      delete process.env.PLAYGROUND_TOKENIZER_DIR;
      resetServerEnvForTests();
    }
  });
});
