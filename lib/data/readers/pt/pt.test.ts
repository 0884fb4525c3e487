import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openReader, readerSource, type RowReader } from "@/lib/data/readers";
import { makeDumpsScript, torchPython } from "../testing/torch-python";
import { SampleStream } from "./samples-stream";
import { TorchFile } from "./torch-file";

// Real files: PyTorch writes them in the setup, our reader reads them without Python, and what
// torch.load itself reads is the reference.
const python = torchPython();
let dir: string;

beforeAll(() => {
  if (!python) throw new Error("these tests need PyTorch: apt-get install python3-torch");
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "pt-reader-"));
  const r = spawnSync(python, [makeDumpsScript, dir], { encoding: "utf8", cwd: dir });
  if (r.status !== 0) throw new Error(r.stderr);
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const p = (...parts: string[]) => path.join(dir, ...parts);

/** The row reader for a dump or folder (every file in these tests is one). */
async function open(file: string): Promise<RowReader> {
  return (await openReader(readerSource(file))) as RowReader;
}

async function all(r: RowReader): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const b of r.scan()) out.push(...b.records);
  return out;
}
/** What torch.load read from the same file (make_dumps.py writes it beside the dumps). */
function refF32(file: string): unknown[] {
  return f32(reference(file)) as unknown[];
}
function reference(file: string): Record<string, unknown>[] {
  const ref = path.join(dir, "refs", `${path.relative(dir, file).replace("/", "_")}.json`);
  return JSON.parse(fs.readFileSync(ref, "utf8")) as Record<string, unknown>[];
}
/** Our records as JSON would carry them (NaN → null), without the fields the reader adds. */
function asJson(v: unknown): Record<string, unknown> {
  const o = JSON.parse(JSON.stringify(v)) as Record<string, unknown>;
  delete o.dump;
  return f32(o) as Record<string, unknown>;
}
/** Numbers at float32 precision: we print float32 values as their shortest decimal (-0.51),
 * torch's tolist() as the exact double (-0.5099999904632568); both are the same float32. */
function f32(v: unknown): unknown {
  if (typeof v === "number") return Math.fround(v);
  if (Array.isArray(v)) return v.map(f32);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, f32(x)]));
  return v;
}

describe("torch .pt files without Python", () => {
  it("reads a rollout dump of list fields exactly as torch.load does", async () => {
    const r = await open(p("rollout_data", "0.pt"));
    expect(r.format).toBe("slime-rollout-dump");
    const recs = await all(r);
    expect(recs.map(asJson)).toEqual(refF32(p("rollout_data", "0.pt")));
    expect(recs[0]!.dump).toEqual({ file: "0.pt", rollout_id: 0, eval: false });
    const s = r.normalizeRow(recs[2]!, { row: 2, line: 3 });
    expect(s).toMatchObject({ index: 2, group_index: 0, reward: 1, acc: true, step: 0, status: "completed", tool_call_count: 1, response_length: 6 });
    expect(s.tokens).toHaveLength(16);
    expect(s.loss_mask).toEqual([1, 1, 0, 1, 1, 1]);
    r.close();
  });

  it("decodes int64 tokens, int32 masks and float32 logprobs from tensor storages", async () => {
    const r = await open(p("rollout_data", "1.pt"));
    const recs = await all(r);
    const ref = reference(p("rollout_data", "1.pt"));
    expect(recs.map(asJson)).toEqual(f32(ref));
    // float32 values come out as their shortest decimal (-0.51, not -0.5099999904632568).
    expect((recs[0]!.rollout_log_probs as number[]).slice(0, 2)).toEqual([-0.5, -0.51]);
    expect(recs[7]!.tokens).toEqual(ref[7]!.tokens);
    // Any row reads again from its byte range, the same as the scan gave it.
    expect(asJson(await r.readRow(5))).toEqual(f32(ref[5]));
    await expect(r.readRow(99)).rejects.toThrow(/row 99 does not exist/);
    r.close();
  });

  it("reads a train dump (format_version 2, dp_shards) with per-token values, bfloat16 included, joined with its rollout dump", async () => {
    const r = await open(p("train_data", "0.pt"));
    expect(r.format).toBe("slime-train-dump");
    expect(r.reasons.join(" ")).toContain("joined from ../rollout_data/0.pt");
    const recs = await all(r);
    const ref = reference(p("train_data", "0.pt"));
    expect(recs).toHaveLength(8);
    for (const [k, rec] of recs.entries()) {
      const want = ref[k]!;
      expect(rec.index).toBe(want.sample_index);
      expect(rec.rollout_position).toBe(want.rollout_position);
      expect(rec.tokens).toEqual(want.tokens);
      expect(rec.loss_mask).toEqual(want.loss_masks);
      for (const key of ["log_probs", "ref_log_probs", "rollout_log_probs", "advantages", "returns", "kl", "entropy"])
        expect((rec[key] as number[]).map((x) => Math.fround(x))).toEqual((want[key] as number[]).map((x) => Math.fround(x)));
    }
    // bfloat16 entropy: exactly the values torch reads (0.1 is 0.10009765625 in bfloat16).
    expect((recs[0]!.entropy as number[])[0]).toBe(0.100097656);
    expect(Math.fround(0.100097656)).toBe(Math.fround(0.10009765625));
    const s = r.normalizeRow(recs[3]!, { row: 3, line: 4 });
    expect(s.per_token?.log_probs?.[1]).toBeCloseTo(-0.51 + 0.2, 5);
    expect(Object.keys(s.per_token ?? {}).sort()).toEqual(["advantages", "entropy", "kl", "log_probs", "ref_log_probs", "returns", "rollout_log_probs"]);
    // Text, reward and status come from rollout_data/0.pt at the sample's rollout_position.
    expect(s).toMatchObject({ response: "I think it is 5. \\boxed{5}", reward: 0, status: "truncated", group_index: 0, step: 0, response_length: 5 + (3 % 3) });
    r.close();
  });

  it("opens a folder of dumps as one dataset with the rollout id of each sample", async () => {
    const rollouts = await open(p("rollout_data"));
    expect(rollouts.reasons.join(" ")).toMatch(/2 slime rollout dump.*1 eval_ dump\(s\) left out/);
    const recs = await all(rollouts);
    expect(recs).toHaveLength(16);
    const steps = recs.map((r) => rollouts.normalizeRow(r, { row: 0, line: 1 }).step);
    expect(steps).toEqual([...Array(8).fill(0), ...Array(8).fill(1)]);
    expect(asJson(await rollouts.readRow(12))).toEqual(refF32(p("rollout_data", "1.pt"))[4]);
    // A --dump-details root opens its train dumps, joined.
    const root = await open(dir.endsWith("/") ? dir : `${dir}/`);
    expect(root?.format).toBe("slime-train-dump");
    expect(await all(root!)).toHaveLength(14);
  });

  it("reads an eval dump and an empty dump", async () => {
    const ev = await open(p("rollout_data", "eval_1.pt"));
    const recs = await all(ev);
    expect(recs).toHaveLength(3);
    expect(recs[0]!.dump).toEqual({ file: "eval_1.pt", rollout_id: 1, eval: true });
    const empty = await open(p("empty.pt"));
    expect(await all(empty)).toEqual([]);
    // A dict with the one key "samples" (no MARK before it) and the rollout id from the file name.
    const only = await all(await open(p("only_samples.pt")));
    expect(only.map((r) => r.index)).toEqual([0, 1, 2]);
  });

  it("keeps shared objects right across append batches when rows are read again", async () => {
    const r = await open(p("shared.pt"));
    const recs = await all(r);
    expect(recs).toHaveLength(2100);
    const ref = reference(p("shared.pt"));
    for (const row of [0, 999, 1000, 1500, 2099]) expect(asJson(await r.readRow(row))).toEqual(f32(ref[row]));
  });

  it("reads special values, big ints, bytes, OrderedDict and strided views", async () => {
    const recs = await all(await open(p("special.pt")));
    expect(recs[0]!.rollout_log_probs).toEqual([NaN, -Infinity, -0.25]);
    expect(recs[0]!.teacher_log_probs).toEqual([-1.5, -0.25, 2]);
    expect(recs[0]!.metadata).toEqual(Object.assign(Object.create(null), { a: 1, big: "1180591620717411303424", bytes: "AAE=" }));
    const views = await all(await open(p("views.pt")));
    expect(views[0]!.tokens).toEqual([1, 5, 9]);
    expect(views[0]!.view).toEqual([[5, 6, 7], [9, 10, 11]]);
  });

  it("reads the older plain-pickle list of samples", async () => {
    const recs = await all(await open(p("list.pkl")));
    expect(recs.map(asJson)).toEqual(refF32(p("list.pkl")));
  });

  it("refuses a pickle that asks for os.system, naming it, and runs nothing", async () => {
    for (const [file, global] of [["evil.pt", "os.system"], ["evil_zip.pt", "posix.system"]] as const) {
      const r = await open(p(file));
      await expect(all(r)).rejects.toThrow(new RegExp(`global ${global.replace(".", "\\.")}, which a safe loader`));
    }
    expect(fs.existsSync(p("pwned"))).toBe(false);
    expect(fs.existsSync(path.join(process.cwd(), "pwned"))).toBe(false);
  });

  it("says what is wrong with a truncated file and with torch's legacy format", async () => {
    await expect(open(p("truncated.pt"))).rejects.toThrow(/truncated\.pt: no zip end-of-central-directory record: the file is truncated/);
    const src = fs.readFileSync(p("list.pkl"));
    fs.writeFileSync(p("cut.pkl"), src.subarray(0, src.length - 200));
    await expect(all(await open(p("cut.pkl")))).rejects.toThrow(/ends early|without a STOP/);
    await expect(all(await open(p("legacy.pt")))).rejects.toThrow(/legacy \(pre-1\.6, non-zip\) format/);
  });

  it("streams: each sample is handed out once complete, before the list's append opcode", async () => {
    // 8 samples in one APPENDS at the end of the pickle: the first ones still arrive early.
    const tf = new TorchFile(p("rollout_data", "0.pt"));
    const it = new SampleStream(tf).scan(undefined, 300)[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.done).toBe(false);
    expect(first.value!.items.length).toBeGreaterThan(0);
    expect(first.value!.bytesDone).toBeLessThan(tf.pickleEnd - tf.pickleStart);
    await it.return?.(undefined);
    tf.close();
  });

  it("opens verl step folders with the step of each record", async () => {
    const r = await open(p("verl_rollouts"));
    expect(r.format).toBe("verl-steps");
    const recs = await all(r);
    expect(recs).toHaveLength(12);
    const norm = recs.map((x, row) => r.normalizeRow(x, { row, line: row + 1 }));
    expect(norm.map((s) => s.step)).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 10, 10, 10, 10]);
    expect(norm[9]).toMatchObject({ format: "verl", label: "2", reward: 1, acc: true, response: "step 10 answer 1" });
    expect((await r.readRow(9)).output).toBe("step 10 answer 1");
  });
});
