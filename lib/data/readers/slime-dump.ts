import "server-only";
import fs from "node:fs";
import path from "node:path";
import { isPyDict } from "./pt/pickle";
import type { PyDict } from "./pt/pickle";
import { toPlain } from "./pt/plain";
import type { StreamedItem } from "./pt/samples-stream";
import { SampleStream } from "./pt/samples-stream";
import { TorchFile } from "./pt/torch-file";
import { perTokenKeys } from "../types";
import { countedFields } from "./json-skim";
import { normalizeWithStep } from "./normalize-dump";
import { RowReader } from "./row-reader";
import type { ReaderBatch } from "./types";

// slime's debug dumps, read natively from the .pt files:
// - rollout dumps (--save-debug-rollout-data, eval_ too): {"rollout_id", "samples": [Sample.to_dict()]}
// - train dumps (--save-debug-train-data, format_version 2): {"samples": [per-sample train fields],
//   "dp_shards": [...], "raw_reward": [...]}; their text, reward and status come from the rollout
//   dump beside them (--dump-details writes rollout_data/{id}.pt next to train_data/{id}.pt),
//   joined on rollout_position.
// A folder of dumps is one dataset; each record carries `dump: {file, rollout_id}` (the step).

export type DumpKind = "rollout" | "train";

export interface DumpFile {
  path: string;
  name: string;
  /** The id in the file name (12 in 12.pt, eval_12.pt, data_12.pt); the dump's own rollout_id wins. */
  nameId: number | null;
  eval: boolean;
}

export function dumpFile(p: string): DumpFile {
  const name = path.basename(p);
  const m = /(\d+)\.(?:pt|pkl|pickle)$/i.exec(name);
  return { path: p, name, nameId: m ? Number(m[1]) : null, eval: /(^|[_-])eval[_-]/i.test(name) };
}

/** Rollout or train dump, from the first bytes of the pickle (a train dump starts with format_version). */
export function peekDumpKind(p: string): DumpKind {
  const tf = new TorchFile(p);
  try {
    const head = Buffer.from(tf.read(tf.pickleStart, Math.min(65536, tf.pickleEnd - tf.pickleStart)));
    return head.includes("format_version") || head.includes("rollout_position") ? "train" : "rollout";
  } finally {
    tf.close();
  }
}

const MAX_OPEN = 8;

interface Opened {
  tf: TorchFile;
  stream: SampleStream;
  header: PyDict;
}

/** The rollout dump a train dump is joined with: its samples by position. */
class RolloutSide {
  private items: StreamedItem[] | null = null;
  private opened: Opened | null = null;
  constructor(readonly file: string) {}
  async load(): Promise<void> {
    if (this.items) return;
    const tf = new TorchFile(this.file);
    const stream = new SampleStream(tf);
    const items: StreamedItem[] = [];
    // Only the samples' byte ranges are kept: their token lists need not be built.
    for await (const b of stream.scan(undefined, undefined, countedFields)) for (const it of b.items) items.push({ ...it, value: null });
    this.items = items;
    this.opened = { tf, stream, header: stream.header };
    tf.close();
  }
  get(pos: number): PyDict | null {
    const it = this.items?.[pos];
    if (!it || !this.opened) return null;
    const v = toPlain(this.opened.stream.readItem(it), (t) => this.opened!.tf.tensor(t));
    return isPyDict(v) ? v : null;
  }
  /** The fd stays open across get() calls (a scan reads every row); the owner closes it. */
  close(): void {
    this.opened?.tf.close();
  }
}

/** Train-dump sample fields in the slime sample vocabulary the Inspect views use. */
function trainRecord(s: PyDict, header: PyDict, rollout: PyDict | null): Record<string, unknown> {
  const pos = typeof s.rollout_position === "number" ? s.rollout_position : null;
  const rec: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const raw = Array.isArray(header.raw_reward) && pos !== null ? header.raw_reward[pos] : undefined;
  if (rollout) {
    for (const k of ["prompt", "response", "label", "status", "group_index", "metadata", "reward"]) if (k in rollout) rec[k] = rollout[k];
  }
  if (!("reward" in rec) || rec.reward === null) rec.reward = typeof raw === "number" ? raw : s.rewards ?? null;
  rec.prompt ??= "";
  rec.response ??= "";
  rec.index = s.sample_index ?? pos;
  for (const [k, v] of Object.entries(s)) {
    if (k === "loss_masks") rec.loss_mask = v;
    else if (k === "response_lengths") rec.response_length = v;
    else if (k === "total_lengths") rec.total_length = v;
    else if (k === "rewards") rec.train_reward = v;
    else if (k === "sample_index") continue;
    else rec[k] = v;
  }
  return rec;
}

export class SlimeDumpReader extends RowReader {
  readonly container: "pt" | "folder";
  readonly recordFormat = "slime" as const;
  readonly sizeBytes: number;
  private opened = new Map<number, Opened>();
  private fileOf: number[] = [];
  private items: StreamedItem[] = [];
  private joins = new Map<number, RolloutSide | null>();
  private plainHeaders = new WeakMap<PyDict, PyDict>();

  constructor(
    readonly files: DumpFile[],
    readonly kind: DumpKind,
    readonly reasons: string[],
    /** Train dumps: where the matching rollout dump lives, per file (null = none). */
    private readonly joinPath: (f: DumpFile) => string | null = () => null,
    /** One dump file, or a folder of them. */
    container: "pt" | "folder" = "pt",
  ) {
    super();
    this.container = container;
    this.sizeBytes = files.reduce((a, f) => a + fs.statSync(f.path).size, 0);
  }

  get format(): "slime-rollout-dump" | "slime-train-dump" {
    return this.kind === "train" ? "slime-train-dump" : "slime-rollout-dump";
  }

  private open(i: number): Opened {
    let o = this.opened.get(i);
    if (o) {
      this.opened.delete(i);
      this.opened.set(i, o); // most recently used last
      return o;
    }
    const tf = new TorchFile(this.files[i]!.path);
    o = { tf, stream: new SampleStream(tf), header: Object.create(null) as PyDict };
    this.opened.set(i, o);
    for (const [k, old] of this.opened) {
      if (this.opened.size <= MAX_OPEN) break;
      if (k !== i) old.tf.close(); // its memo stays; the fd reopens on the next read
    }
    return o;
  }

  private async join(i: number): Promise<RolloutSide | null> {
    if (this.kind !== "train") return null;
    if (!this.joins.has(i)) {
      const p = this.joinPath(this.files[i]!);
      let side: RolloutSide | null = null;
      if (p && fs.existsSync(p)) {
        side = new RolloutSide(p);
        try {
          await side.load();
        } catch (e) {
          this.reasons.push(`${path.basename(p)} beside ${this.files[i]!.name} could not be read (${(e as Error).message}); text is missing`);
          side = null;
        }
      }
      this.joins.set(i, side);
    }
    return this.joins.get(i)!;
  }

  private record(i: number, value: unknown, header: PyDict, side: RolloutSide | null): Record<string, unknown> {
    const o = this.opened.get(i) ?? this.open(i);
    const f = this.files[i]!;
    const plain = toPlain(value, (t) => o.tf.tensor(t));
    const rid = typeof header.rollout_id === "number" ? header.rollout_id : f.nameId;
    const dump = { file: f.name, rollout_id: rid, eval: f.eval } as Record<string, unknown>;
    if (!isPyDict(plain)) return { value: plain, dump };
    if (this.kind === "train") {
      const pos = typeof plain.rollout_position === "number" ? plain.rollout_position : null;
      const joined = side && pos !== null ? side.get(pos) : null;
      if (side) dump.joined = path.basename(path.dirname(side.file)) + "/" + path.basename(side.file);
      let h = this.plainHeaders.get(header);
      if (!h) {
        h = toPlain(header, (t) => o.tf.tensor(t)) as PyDict;
        this.plainHeaders.set(header, h);
      }
      const rec = trainRecord(plain, h, joined);
      rec.dump = dump;
      return rec;
    }
    plain.dump = dump;
    return plain;
  }

  /**
   * For the index, a rollout dump's token ids, loss mask and rollout logprobs are counted as the
   * pickle is read, never built (they are most of a dump): the record holds them empty and `lens`
   * has their lengths, as the JSON index does. A sample whose counts are not certain (a list with
   * something other than numbers, referred to twice, or not where it was counted) is read again in
   * full, so the summary is always the one of the full record.
   */
  private countedLens(stream: SampleStream, it: StreamedItem, rec: Record<string, unknown>): Map<string, number> | null {
    const lens = new Map<string, number>();
    for (const k of countedFields) {
      const v = rec[k];
      if (!Array.isArray(v)) continue;
      const n = stream.countOf(v);
      if (n === undefined) continue;
      if (n < 0) return null;
      lens.set(k, n);
    }
    if (lens.size !== stream.countedIn(it.start, it.end)) return null;
    // Per-token train values next to rollout logprobs are compared with them (logprobDiff): keep them.
    if (lens.has("rollout_log_probs") && perTokenKeys.some((k) => k !== "rollout_log_probs" && Array.isArray(rec[k]))) return null;
    return lens;
  }

  async *scan(signal?: AbortSignal, forIndex = false): AsyncGenerator<ReaderBatch> {
    let before = 0;
    const count = forIndex && this.kind === "rollout" ? countedFields : [];
    for (let i = 0; i < this.files.length; i++) {
      const o = this.open(i);
      const side = await this.join(i);
      for await (const b of o.stream.scan(signal, undefined, count)) {
        o.header = o.stream.header;
        const lens: (Map<string, number> | null)[] = [];
        const records = b.items.map((it) => {
          this.fileOf.push(i);
          this.items.push({ ...it, value: null });
          const rec = this.record(i, it.value, o.header, side);
          if (!count.length) return rec;
          const counted = this.countedLens(o.stream, it, rec);
          lens.push(counted?.size ? counted : null);
          return counted ? rec : this.record(i, o.stream.readItem(it), o.header, side);
        });
        const frac = (o.tf.pickleStart + b.bytesDone) / Math.max(1, o.tf.size);
        yield { records, bytesDone: before + Math.round(Math.min(1, frac) * o.tf.size), ...(count.length ? { lens } : {}) };
      }
      o.header = o.stream.header;
      before += o.tf.size;
      o.tf.close();
      side?.close();
    }
  }

  async readRow(row: number): Promise<Record<string, unknown>> {
    const i = this.fileOf[row];
    const it = this.items[row];
    if (i === undefined || !it) throw new RangeError(`row ${row} does not exist`);
    const o = this.open(i);
    return this.record(i, o.stream.readItem(it), o.header, await this.join(i));
  }

  normalizeRow(record: Record<string, unknown>, ctx: { row: number; line: number }) {
    return normalizeWithStep("slime", record, ctx);
  }

  override close(): void {
    for (const o of this.opened.values()) o.tf.close();
    this.opened.clear();
    for (const side of this.joins.values()) side?.close();
  }
}

const dumpExt = /\.(pt|pkl|pickle)$/i;

function byId(a: DumpFile, b: DumpFile): number {
  return (a.nameId ?? Infinity) - (b.nameId ?? Infinity) || a.name.localeCompare(b.name);
}

/** The dump files of a folder (a --dump-details root prefers train_data, joined with rollout_data). */
export function slimeFolder(dir: string): { files: DumpFile[]; kind: DumpKind; reasons: string[]; joinPath: (f: DumpFile) => string | null } | null {
  const sub = (n: string) => path.join(dir, n);
  const isDir = (p: string) => fs.existsSync(p) && fs.statSync(p).isDirectory();
  if (isDir(sub("train_data")) && listDumps(sub("train_data")).length) {
    const r = slimeFolder(sub("train_data"));
    if (r) r.reasons.unshift("a --dump-details folder: train_data/ joined with rollout_data/");
    return r;
  }
  if (isDir(sub("rollout_data")) && listDumps(sub("rollout_data")).length) return slimeFolder(sub("rollout_data"));
  let files = listDumps(dir);
  if (!files.length) return null;
  const reasons: string[] = [];
  const evals = files.filter((f) => f.eval);
  if (evals.length && evals.length < files.length) {
    files = files.filter((f) => !f.eval);
    reasons.push(`${evals.length} eval_ dump(s) left out: open them on their own`);
  }
  const kind = peekDumpKind(files[0]!.path);
  const same = files.filter((f, i) => {
    if (i === 0) return true; // already peeked above
    try {
      return peekDumpKind(f.path) === kind;
    } catch {
      return true; // reported when it is read
    }
  });
  if (same.length < files.length) reasons.push(`${files.length - same.length} ${kind === "train" ? "rollout" : "train"} dump(s) left out`);
  reasons.unshift(`${same.length} slime ${kind} dump(s), one rollout id each`);
  return { files: same, kind, reasons, joinPath: rolloutBeside };
}

function listDumps(dir: string): DumpFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && dumpExt.test(d.name))
    .map((d) => dumpFile(path.join(dir, d.name)))
    .sort(byId);
}

/** train_data/{id}.pt → rollout_data/{id}.pt, as --dump-details lays them out. */
export function rolloutBeside(f: DumpFile): string | null {
  const dir = path.dirname(f.path);
  if (path.basename(dir) !== "train_data") return null;
  return path.join(path.dirname(dir), "rollout_data", f.name);
}
