import "server-only";
import fs from "node:fs";
import path from "node:path";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { detectFormat, groupKey, isObject, normalizeRecord, previewOf } from "./normalize";
import { readParquetRow, scanParquet } from "./parquet";
import type { RowQuery } from "./query";
import { compileSearch, statusList } from "./query";
import { RowStore } from "./row-store";
import type { RawRecord } from "./scan";
import { readRange, scanJsonArray, scanJsonl, sniffContainer } from "./scan";
import type { SearchOutcome, SearchProgress } from "./text-cache";
import { searchTextCache, TextCacheWriter } from "./text-cache";
import type {
  ContainerKind, DatasetFormat, DatasetInfo, GroupSummary, NormalizedSample, Problem, ProblemKind, ReexecRecord, RowsPage,
} from "./types";
import { errorFlagMask, rowFlags } from "./types";
export type { ReexecRecord } from "./types";

const MAX_PROBLEMS = 2000;
const MAX_FIELDS = 200;
const DETECT_SAMPLE = 50;
const RAW_LIMIT = 1024 * 1024;

export interface DatasetOptions {
  id: string;
  name: string;
  source: string;
  path: string;
  sizeBytes: number;
  format?: DatasetFormat;
  maxRecordBytes: number;
  textCachePath: string;
  searchTimeoutMs: number;
}

interface Parsed {
  rec: RawRecord;
  value: unknown;
  flags: number;
  problems: Problem[];
  raw: string | null;
  /** Index-time parse: lengths of the numeric arrays that were cut out. */
  lens?: Map<string, number>;
}

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

// Index-time parse: numeric arrays (token ids, loss mask, logprobs) are most of a slime line and
// the summary only needs their lengths, so they are cut out before JSON.parse (left as empty
// arrays) and their lengths kept aside. Samples are always read in full.
// One character class (digits, signs, exponent, "null" letters) keeps the regex linear and fast;
// a malformed number inside such an array is then reported when the sample is opened.
const NUM_ARRAY_RE = /"(tokens|loss_mask|rollout_log_probs)":\s*\[([-0-9.eE+,\snul]*)\]/g;

function countItems(body: string): number {
  if (body.trim() === "") return 0;
  let n = 1;
  for (let i = body.indexOf(","); i !== -1; i = body.indexOf(",", i + 1)) n++;
  return n;
}

function parseForIndex(text: string, lens: Map<string, number>): unknown {
  let repeated = false;
  const slim = text.replace(NUM_ARRAY_RE, (_m, key: string, body: string) => {
    if (lens.has(key)) repeated = true;
    lens.set(key, countItems(body));
    return `"${key}":[]`;
  });
  if (lens.size === 0) return JSON.parse(text);
  if (repeated) {
    lens.clear();
    return JSON.parse(text);
  }
  return JSON.parse(slim);
}

/** Decode and parse one record, turning every defect into a problem with its line. */
export function parseRecord(rec: RawRecord, row: number, maxRecordBytes: number, forIndex = false): Parsed {
  const problems: Problem[] = [];
  if (rec.bytes === null) {
    problems.push({ line: rec.line, row, kind: "line_too_large", message: `record of ${rec.length} bytes exceeds the ${Math.round(maxRecordBytes / 1048576)} MiB limit; not parsed` });
    return { rec, value: undefined, flags: rowFlags.tooLarge, problems, raw: null };
  }
  let flags = 0;
  const text = rec.bytes.toString("utf8");
  // Buffer decoding never fails; only when a replacement char shows up do we check strictly.
  if (text.includes("\uFFFD")) {
    try {
      fatalUtf8.decode(rec.bytes);
    } catch {
      flags |= rowFlags.badUtf8;
      problems.push({ line: rec.line, row, kind: "invalid_utf8", message: "invalid UTF-8 bytes (shown as \uFFFD)" });
    }
  }
  try {
    let value: unknown;
    const lens = new Map<string, number>();
    try {
      value = forIndex ? parseForIndex(text, lens) : JSON.parse(text);
    } catch {
      lens.clear();
      value = JSON.parse(text); // the full parse gives the exact error (or succeeds)
    }
    return { rec, value, flags, problems, raw: text, ...(lens.size ? { lens } : {}) };
  } catch (e) {
    problems.push({ line: rec.line, row, kind: "malformed_json", message: `malformed JSON: ${(e as Error).message.slice(0, 200)}` });
    return { rec, value: undefined, flags: flags | rowFlags.malformed, problems, raw: text };
  }
}

export function containerFor(file: string): ContainerKind | null {
  const lower = file.toLowerCase();
  if (lower.endsWith(".parquet")) return "parquet";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  return null;
}

export interface RescoreState {
  reward_type: string;
  done: number;
  disagreements: number;
  preds: Map<number, { score: number; acc?: boolean; pred?: string | null; error?: string }>;
}
export class Dataset {
  readonly store = new RowStore();
  readonly problems: Problem[] = [];
  readonly problemCounts: Partial<Record<ProblemKind, number>> = {};
  container: ContainerKind = "jsonl";
  format: DatasetFormat = "raw";
  detected: DatasetFormat = "raw";
  reasons: string[] = [];
  indexing = true;
  bytesDone = 0;
  indexMs: number | null = null;
  error: string | null = null;
  hasTokens = false;
  readonly fields = new Set<string>();
  private groupIds = new Map<string, number>();
  private text: TextCacheWriter;
  readonly ready: Promise<void>;
  private abort = new AbortController();
  /** Bumped when derived columns (rescore, re-exec) change, to invalidate cached orders. */
  version = 0;
  private orderCache: { key: string; order: Uint32Array } | null = null;
  private searches = new Map<string, { n: number; promise: Promise<SearchOutcome>; progress: SearchProgress }>();
  rescore: RescoreState | null = null;
  reexecDone = 0;
  readonly reexec = new Map<number, ReexecRecord>();
  lastUsed = Date.now();

  constructor(readonly opts: DatasetOptions) {
    this.text = new TextCacheWriter(opts.textCachePath);
    this.ready = this.index().catch((e: unknown) => {
      this.error = `Indexing failed: ${(e as Error).message}`;
    }).finally(() => {
      this.indexing = false;
    });
  }

  get id(): string {
    return this.opts.id;
  }

  close(): void {
    this.abort.abort();
    void this.ready.then(() => fs.promises.rm(this.opts.textCachePath, { force: true }));
  }

  private addProblems(ps: Problem[]): void {
    for (const p of ps) {
      this.problemCounts[p.kind] = (this.problemCounts[p.kind] ?? 0) + 1;
      if (this.problems.length < MAX_PROBLEMS) this.problems.push(p);
    }
  }

  private groupId(key: string): number {
    let g = this.groupIds.get(key);
    if (g === undefined) {
      g = this.groupIds.size;
      this.groupIds.set(key, g);
    }
    return g;
  }

  private ingest(p: Parsed, offset: number, byteLength: number, line: number): void {
    const row = this.store.length;
    if (p.value === undefined) {
      this.addProblems(p.problems);
      const t = this.text.append(p.raw?.slice(0, 65536) ?? "");
      this.store.push({
        offset, byteLength, line, index: null, group: -1, status: null, reward: null, acc: null, toolCalls: null, respLen: null,
        lenInChars: false, flags: p.flags, textOffset: t.offset, textLength: t.length,
        preview: p.raw ? p.raw.slice(0, 100) : `(${byteLength} bytes, not parsed)`,
      });
      return;
    }
    const s = normalizeRecord(this.format, p.value, { row, line });
    this.addProblems([...p.problems, ...s.problems]);
    if (isObject(p.value) && this.fields.size < MAX_FIELDS) for (const k of Object.keys(p.value)) this.fields.add(k);
    if (s.tokens && s.loss_mask) this.hasTokens = true;
    const t = this.text.append(`${s.prompt}\n${s.response}`);
    const maskLen = p.lens?.get("loss_mask") ?? s.loss_mask?.length;
    const tokenLen = s.response_length ?? maskLen ?? null;
    this.store.push({
      offset, byteLength, line, index: s.index, group: this.groupId(groupKey(s)), status: s.status, reward: s.reward, acc: s.acc,
      toolCalls: s.tool_call_count, respLen: tokenLen ?? (s.response ? [...s.response].length : null), lenInChars: tokenLen === null,
      flags: p.flags | s.flags, textOffset: t.offset, textLength: t.length, preview: previewOf(s).slice(0, 100),
    });
  }

  private decide(values: unknown[]): void {
    const d = detectFormat(values);
    this.detected = d.format;
    this.reasons = d.reasons;
    this.format = this.opts.format ?? d.format;
  }

  private async index(): Promise<void> {
    const started = Date.now();
    await fs.promises.mkdir(path.dirname(this.opts.textCachePath), { recursive: true });
    await this.text.open();
    try {
      this.container = containerFor(this.opts.name) ?? (await sniffContainer(this.opts.path));
      if (this.container === "parquet") await this.indexParquet();
      else await this.indexJson();
    } finally {
      await this.text.close();
      this.indexMs = Date.now() - started;
    }
  }

  private async indexJson(): Promise<void> {
    const scan = this.container === "json_array" ? scanJsonArray : scanJsonl;
    let pending: Parsed[] | null = [];
    let decided = false;
    const max = this.opts.maxRecordBytes;
    const flushPending = (): void => {
      if (!pending) return;
      this.decide(pending.filter((p) => p.value !== undefined).map((p) => p.value));
      decided = true;
      for (const p of pending) this.ingest(p, p.rec.offset, p.rec.length, p.rec.line);
      pending = null;
    };
    try {
      for await (const batch of scan(this.opts.path, { maxRecordBytes: max, signal: this.abort.signal })) {
        for (const rec of batch.records) {
          const row = this.store.length + (pending?.length ?? 0);
          const p = parseRecord(rec, row, max, true);
          if (!decided) {
            pending!.push(p);
            if (pending!.filter((x) => x.value !== undefined).length >= DETECT_SAMPLE) flushPending();
          } else this.ingest(p, rec.offset, rec.length, rec.line);
        }
        this.bytesDone = batch.bytesDone;
        await this.text.flush();
        await yieldToLoop();
      }
    } catch (e) {
      // A structural error (e.g. not a JSON array) ends the scan; what was read stays loaded.
      this.addProblems([{ line: 0, row: this.store.length, kind: "read_error", message: (e as Error).message }]);
      this.error = (e as Error).message;
    }
    if (!decided) flushPending();
    this.bytesDone = this.opts.sizeBytes;
  }

  private async indexParquet(): Promise<void> {
    let decided = false;
    for await (const batch of scanParquet(this.opts.path, 2000, this.abort.signal)) {
      if (!decided) {
        this.decide(batch.rows.slice(0, DETECT_SAMPLE));
        decided = true;
      }
      batch.rows.forEach((value, i) => {
        const row = batch.start + i;
        this.ingest({ rec: { offset: row, length: 0, line: row + 1, bytes: null }, value, flags: 0, problems: [], raw: null }, row, 0, row + 1);
      });
      this.bytesDone = Math.round((this.opts.sizeBytes * (batch.start + batch.rows.length)) / Math.max(1, batch.total));
      await this.text.flush();
      await yieldToLoop();
    }
    if (!decided) this.decide([]);
  }

  info(): DatasetInfo {
    this.lastUsed = Date.now();
    const total = Object.values(this.problemCounts).reduce((a, b) => a + (b ?? 0), 0);
    return {
      id: this.id,
      name: this.opts.name,
      source: this.opts.source,
      container: this.container,
      format: this.format,
      detected: this.detected,
      detection_reasons: this.reasons,
      size_bytes: this.opts.sizeBytes,
      rows: this.store.length,
      indexing: this.indexing,
      bytes_done: this.bytesDone,
      index_ms: this.indexMs,
      problems: total,
      problem_counts: { ...this.problemCounts },
      statuses: [...this.store.statuses],
      groups: this.groupIds.size,
      has_tokens: this.hasTokens,
      fields: [...this.fields],
      rescore: this.rescore ? { reward_type: this.rescore.reward_type, done: this.rescore.done, disagreements: this.rescore.disagreements } : null,
      reexec: this.reexecDone
        ? {
            done: this.reexecDone,
            mismatches: [...this.reexec.values()].filter((r) => r.mismatches > 0).length,
            errors: [...this.reexec.values()].filter((r) => r.errors > 0).length,
          }
        : null,
      error: this.error,
    };
  }

  // ---- reading samples ----

  /** A shared link may name a row that indexing has not reached yet: wait for it (or the end). */
  async waitForRow(row: number, signal?: AbortSignal): Promise<boolean> {
    while (this.indexing && this.store.length <= row && !signal?.aborted) await new Promise((r) => setTimeout(r, 25));
    return row < this.store.length;
  }

  async readRaw(row: number): Promise<{ raw: string; truncated: boolean; value: unknown; parsed: Parsed | null }> {
    const s = this.store;
    if (row < 0 || row >= s.length) throw new RangeError(`row ${row} does not exist`);
    if (this.container === "parquet") {
      const value = await readParquetRow(this.opts.path, row);
      const raw = JSON.stringify(value, null, 2) ?? "";
      return { raw: raw.slice(0, RAW_LIMIT), truncated: raw.length > RAW_LIMIT, value, parsed: null };
    }
    const length = s.byteLength[row]!;
    const tooLarge = (s.flags[row]! & rowFlags.tooLarge) !== 0;
    const bytes = await readRange(this.opts.path, s.offset[row]!, tooLarge ? Math.min(length, RAW_LIMIT) : length);
    if (tooLarge) return { raw: bytes.toString("utf8"), truncated: true, value: undefined, parsed: null };
    const parsed = parseRecord({ offset: s.offset[row]!, length, line: s.line[row]!, bytes }, row, this.opts.maxRecordBytes);
    const raw = parsed.raw ?? "";
    return { raw: raw.slice(0, RAW_LIMIT), truncated: raw.length > RAW_LIMIT, value: parsed.value, parsed };
  }

  async sample(row: number): Promise<{ sample: NormalizedSample; raw: string; raw_truncated: boolean }> {
    const r = await this.readRaw(row);
    const line = this.store.line[row]!;
    let sample: NormalizedSample;
    if (r.value === undefined) {
      sample = normalizeRecord(this.format, {}, { row, line });
      sample.problems = r.parsed?.problems ?? [{ line, row, kind: "line_too_large", message: "record too large to parse" }];
      sample.flags = this.store.flags[row]!;
      sample.extra = {};
    } else {
      sample = normalizeRecord(this.format, r.value, { row, line });
      if (r.parsed?.problems.length) sample.problems = [...r.parsed.problems, ...sample.problems];
      sample.flags |= this.store.flags[row]!;
    }
    return { sample, raw: r.raw, raw_truncated: r.truncated };
  }

  /** The JSON text of a row as it should be exported (the original line for JSON files). */
  async exportLine(row: number): Promise<string | null> {
    if (this.container === "parquet") return JSON.stringify(await readParquetRow(this.opts.path, row));
    if (this.store.flags[row]! & (rowFlags.tooLarge | rowFlags.malformed)) return null;
    const bytes = await readRange(this.opts.path, this.store.offset[row]!, this.store.byteLength[row]!);
    const text = bytes.toString("utf8").trim();
    // JSON array elements may span lines: re-serialize so the output stays one record per line.
    return this.container === "json_array" ? JSON.stringify(JSON.parse(text)) : text;
  }

  // ---- filtering, sorting, searching ----

  search(q: Pick<RowQuery, "q" | "re" | "cs">, onProgress?: (p: SearchProgress) => void, signal?: AbortSignal): Promise<SearchOutcome> | null {
    const { regex, error } = compileSearch(q);
    if (error) return Promise.resolve({ ok: false, error });
    if (!regex) return null;
    const key = `${regex.source}/${regex.flags}`;
    const n = this.indexing ? this.text.flushedRows : this.store.length;
    const cached = this.searches.get(key);
    if (cached && cached.n === n) {
      if (onProgress) {
        onProgress(cached.progress);
        void cached.promise.then(() => onProgress(cached.progress));
      }
      return cached.promise;
    }
    const entry = { n, progress: { done: 0, total: n, matches: 0 }, promise: null as unknown as Promise<SearchOutcome> };
    entry.promise = searchTextCache({
      path: this.opts.textCachePath,
      offsets: this.store.textOffset,
      lengths: this.store.textLength,
      n,
      regex,
      timeoutMs: this.opts.searchTimeoutMs,
      signal,
      onProgress: (p) => {
        entry.progress = p;
        onProgress?.(p);
      },
    }).then((o) => {
      if (o.ok) entry.progress = { done: n, total: n, matches: o.matches };
      else this.searches.delete(key); // failures are not cached
      return o;
    });
    this.searches.set(key, entry);
    while (this.searches.size > 6) this.searches.delete(this.searches.keys().next().value!);
    return entry.promise;
  }

  private filterOrder(q: RowQuery, mask: Uint8Array | null): Uint32Array {
    const s = this.store;
    const n = s.length;
    const statuses = statusList(q);
    let statusIds: Set<number> | null = null;
    if (statuses) {
      statusIds = new Set();
      for (const name of statuses) {
        if (name === "(none)") statusIds.add(-1);
        else {
          const id = s.statuses.indexOf(name);
          if (id >= 0) statusIds.add(id);
        }
      }
    }
    const out = new Uint32Array(n);
    let m = 0;
    const NONE = -2147483648;
    for (let i = 0; i < n; i++) {
      if (mask && (i >= mask.length || mask[i] === 0)) continue;
      if (statusIds && !statusIds.has(s.status[i]!)) continue;
      const r = s.reward[i]!;
      if (q.rmin !== undefined && !(r >= q.rmin)) continue;
      if (q.rmax !== undefined && !(r <= q.rmax)) continue;
      const tc = s.toolCalls[i]!;
      if (q.tcmin !== undefined && (tc === NONE ? 0 : tc) < q.tcmin) continue;
      if (q.tcmax !== undefined && (tc === NONE ? 0 : tc) > q.tcmax) continue;
      if (q.err && (s.flags[i]! & errorFlagMask) === 0) continue;
      if (q.group !== undefined && s.group[i] !== q.group) continue;
      if (q.disagree) {
        const rs = s.rescored[i]!;
        if (Number.isNaN(rs)) continue;
        if (!Number.isNaN(r) && Math.abs(rs - r) < 1e-9) continue;
      }
      if (q.mismatch) {
        const st = s.reexecOf(i);
        if (st !== "mismatch" && st !== "error") continue;
      }
      out[m++] = i;
    }
    const ids = out.subarray(0, m);
    const key = q.sort ?? "row";
    if (key === "row") {
      if (q.desc) ids.reverse();
      return ids;
    }
    const keys = new Float64Array(n);
    const numeric = (arr: ArrayLike<number>, none?: number): void => {
      for (const i of ids) {
        const v = arr[i]!;
        keys[i] = v === none || Number.isNaN(v) ? NaN : v;
      }
    };
    switch (key) {
      case "index": numeric(s.index, NONE); break;
      case "group": numeric(s.group); break;
      case "reward": numeric(s.reward); break;
      case "rescored": numeric(s.rescored); break;
      case "acc": for (const i of ids) keys[i] = s.acc[i]! < 0 ? NaN : s.acc[i]!; break;
      case "tool_calls": numeric(s.toolCalls, NONE); break;
      case "response_length": for (const i of ids) keys[i] = s.respLenOf(i) ?? NaN; break;
      case "status": {
        const rank = [...s.statuses].map((name, id) => ({ name, id })).sort((a, b) => a.name.localeCompare(b.name));
        const pos = new Map(rank.map((r, k) => [r.id, k]));
        for (const i of ids) keys[i] = s.status[i]! < 0 ? NaN : pos.get(s.status[i]!)!;
        break;
      }
    }
    const dir = q.desc ? -1 : 1;
    // Missing values always sort last; ties keep file order.
    const arr = Array.from(ids);
    arr.sort((a, b) => {
      const ka = keys[a]!;
      const kb = keys[b]!;
      const na = Number.isNaN(ka);
      const nb = Number.isNaN(kb);
      if (na || nb) return na && nb ? a - b : na ? 1 : -1;
      return ka === kb ? a - b : (ka - kb) * dir;
    });
    return Uint32Array.from(arr);
  }

  async order(q: RowQuery, signal?: AbortSignal): Promise<{ order: Uint32Array; search: { pattern: string; ms: number } | null; error: string | null }> {
    let mask: Uint8Array | null = null;
    let search: { pattern: string; ms: number } | null = null;
    const pending = this.search(q, undefined, signal);
    if (pending) {
      const o = await pending;
      if (!o.ok) return { order: new Uint32Array(0), search: null, error: o.error };
      mask = o.mask;
      search = { pattern: q.q ?? "", ms: o.ms };
    }
    const key = JSON.stringify([q, this.store.length, this.version, mask?.length ?? -1]);
    if (this.orderCache?.key === key) return { order: this.orderCache.order, search, error: null };
    const order = this.filterOrder(q, mask);
    this.orderCache = { key, order };
    return { order, search, error: null };
  }

  async page(q: RowQuery, offset: number, limit: number, signal?: AbortSignal): Promise<RowsPage> {
    const { order, search, error } = await this.order(q, signal);
    const rows = [];
    for (let k = offset; k < Math.min(order.length, offset + limit); k++) rows.push(this.store.summary(order[k]!));
    return { total: this.store.length, matched: order.length, offset, rows, indexing: this.indexing, search, error };
  }

  /** Position of a row in the current order, for "next/previous sample". */
  async neighbours(q: RowQuery, row: number): Promise<{ position: number; prev: number | null; next: number | null; matched: number }> {
    const { order } = await this.order(q);
    const pos = order.indexOf(row);
    if (pos < 0) return { position: -1, prev: order[0] ?? null, next: order[0] ?? null, matched: order.length };
    return { position: pos, prev: pos > 0 ? order[pos - 1]! : null, next: pos + 1 < order.length ? order[pos + 1]! : null, matched: order.length };
  }

  async group(groupId: number, limit = 64): Promise<GroupSummary> {
    const s = this.store;
    const rows: number[] = [];
    for (let i = 0; i < s.length; i++) if (s.group[i] === groupId) rows.push(i);
    let sum = 0;
    let n = 0;
    let pass = 0;
    let judged = 0;
    for (const i of rows) {
      const r = s.reward[i]!;
      if (!Number.isNaN(r)) {
        sum += r;
        n++;
      }
      const a = s.acc[i]!;
      if (a >= 0) {
        judged++;
        pass += a;
      } else if (!Number.isNaN(r)) {
        judged++;
        pass += r > 0 ? 1 : 0;
      }
    }
    const samples: NormalizedSample[] = [];
    for (const i of rows.slice(0, limit)) {
      const { sample } = await this.sample(i);
      // The group view needs text, not token arrays.
      delete sample.tokens;
      delete sample.loss_mask;
      delete sample.rollout_log_probs;
      samples.push(sample);
    }
    return { group: groupId, rows, mean_reward: n ? sum / n : null, pass_rate: judged ? pass / judged : null, samples };
  }

  /** Recorded rewards of all rows (NaN for missing), for the histogram. */
  /** Reward distribution; both histograms share one range so they can be compared bin by bin. */
  rewardHistogram(which: "recorded" | "rescored", bins = 20): { min: number; max: number; counts: number[]; missing: number } {
    const arr = which === "recorded" ? this.store.reward : this.store.rescored;
    let min = Infinity;
    let max = -Infinity;
    let missing = 0;
    const n = this.store.length;
    for (let i = 0; i < n; i++) {
      const v = arr[i]!;
      if (Number.isNaN(v)) missing++;
      for (const x of [this.store.reward[i]!, this.store.rescored[i]!]) {
        if (Number.isNaN(x)) continue;
        if (x < min) min = x;
        if (x > max) max = x;
      }
    }
    const counts = new Array<number>(bins).fill(0);
    if (min === Infinity) return { min: 0, max: 0, counts, missing };
    const width = max > min ? (max - min) / bins : 1;
    for (let i = 0; i < n; i++) {
      const v = arr[i]!;
      if (Number.isNaN(v)) continue;
      const b = Math.min(bins - 1, Math.floor((v - min) / width));
      counts[b]!++;
    }
    return { min, max, counts, missing };
  }

  markChanged(): void {
    this.version++;
  }
}
