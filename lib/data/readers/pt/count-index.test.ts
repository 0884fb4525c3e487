import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openReader, readerSource, type IndexedRecord, type RowReader } from "@/lib/data/readers";
import { summaryOf } from "@/lib/data/summary";
import { makeDumpsScript, torchPython } from "../testing/torch-python";

// The index of a rollout dump counts token ids, loss masks and logprobs as the pickle is read
// instead of building them. The index must be exactly the one of the full records: same values
// (the counted lists emptied), same summaries, on real torch.save files with every corner.
let dir: string;
beforeAll(() => {
  const python = torchPython();
  if (!python) throw new Error("these tests need PyTorch: apt-get install python3-torch");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pt-count-"));
  const r = spawnSync(python, [makeDumpsScript, dir, "rollout", "counting", "big:3"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
}, 180_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function reader(rel: string): Promise<RowReader> {
  return (await openReader(readerSource(path.join(dir, rel)))) as RowReader;
}

/** The index pass (counting), and the full records in the same shape. */
async function both(rel: string): Promise<{ fast: IndexedRecord[]; full: IndexedRecord[]; r: RowReader }> {
  const r = await reader(rel);
  const fast: IndexedRecord[] = [];
  for await (const b of r.index(new AbortController().signal)) fast.push(...b.records);
  const r2 = await reader(rel);
  const full: IndexedRecord[] = [];
  for await (const b of r2.scan()) {
    for (const value of b.records) full.push({ offset: full.length, byteLength: 0, line: full.length + 1, value, flags: 0, problems: [], raw: null });
  }
  r2.close();
  return { fast, full, r };
}

function emptied(v: unknown, lens: Map<string, number> | undefined): unknown {
  if (!lens) return v;
  const o = { ...(v as Record<string, unknown>) };
  for (const k of lens.keys()) o[k] = [];
  return o;
}

describe("the index of a rollout dump counts its token lists", () => {
  for (const rel of ["counting.pt", "big.pt", "rollout_data/0.pt", "rollout_data/1.pt", "only_samples.pt", "shared.pt", "rollout_data"]) {
    it(`gives the full records' summaries: ${rel}`, async () => {
      const { fast, full, r } = await both(rel);
      expect(fast.length).toBe(full.length);
      for (let i = 0; i < full.length; i++) {
        const f = fast[i]!;
        const v = full[i]!.value as Record<string, unknown>;
        expect(f.value, `row ${i}`).toEqual(emptied(v, f.lens));
        for (const [k, n] of f.lens ?? []) expect((v[k] as unknown[]).length, `row ${i} ${k}`).toBe(n);
        const ctx = { row: i, line: i + 1 };
        expect(summaryOf(f, r.normalize("slime", f.value, ctx), true), `row ${i}`).toEqual(summaryOf(full[i]!, r.normalize("slime", v, ctx), true));
      }
      r.close();
    });
  }

  it("counts only plain-number lists met once, directly in a sample", async () => {
    const { fast } = await both("counting.pt");
    const counted = fast.map((f) => [...(f.lens?.keys() ?? [])].sort().join(","));
    const all = "loss_mask,rollout_log_probs,tokens";
    expect(counted[0]).toBe(all); // 1001 items: one batch and a lone last APPEND
    expect(counted[1]).toBe(""); // a None in the loss mask: read in full
    expect(counted[2]).toBe(""); // a bool among the tokens
    expect(counted[3]).toBe(""); // nested lists
    expect(counted[4]).toBe(""); // one list under two keys
    expect(counted[7]).toBe(""); // ints over 2^31 (LONG1)
    expect(counted[8]).toBe(all); // NaN and inf are numbers
    expect(counted[9]).toBe("rollout_log_probs"); // [7] and [] are not batched: built as usual
    expect(counted[10]).toBe(""); // the counted token list is also the response
    expect(counted[11]).toBe(all); // a "tokens" key inside metadata is not counted
    expect(counted[12]).toBe(""); // a train value beside the rollout logprobs
    expect(counted[13]).toBe("loss_mask,rollout_log_probs"); // a tuple of tokens
    expect(counted[14]).toBe(""); // a sample that is a list
    const { fast: big } = await both("big.pt");
    expect(big.every((f) => f.lens?.size === 3)).toBe(true);
  });

  it("leaves the records of a plain scan whole", async () => {
    const r = await reader("counting.pt");
    const rows: Record<string, unknown>[] = [];
    for await (const b of r.scan()) rows.push(...b.records);
    expect((rows[0]!.tokens as number[]).length).toBe(1011);
    expect((await r.readRow(0)).tokens).toEqual(rows[0]!.tokens);
    r.close();
  });
});
