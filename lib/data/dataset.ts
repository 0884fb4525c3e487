import "server-only";
import fs from "node:fs";
import path from "node:path";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { BatchJobs } from "./batch-jobs";
import { detectFormat, normalizeRecord } from "./normalize";
import { openReader, type IndexedRecord, type Reader, type RowRef } from "./readers";
import { logprobDiff, maskedMean } from "./readers/logprob-diff";
import { RowStore } from "./row-store";
import { indexJsonlInWorkers, lazyIndexMinBytes } from "./lazy-index";
import { RESCORE_WORKERS_MIN_ROWS, warmRescoreWorkers } from "./rescore-workers";
import { summaryOf, type RecordSummary } from "./summary";
import { TextCacheWriter } from "./text-cache";
import type { ContainerKind, DatasetFormat, DatasetInfo, NormalizedSample, Problem, ProblemKind } from "./types";
import { DatasetView } from "./view";

// One open file: the index pass (reader → normalize → compact row summaries + search text) and
// reading rows back by their place in the file. The list (filters, order, search) is `view`;
// re-score and re-execute results are `jobs`.

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

export class Dataset {
  readonly store = new RowStore();
  readonly problems: Problem[] = [];
  readonly problemCounts: Partial<Record<ProblemKind, number>> = {};
  readonly view: DatasetView;
  readonly jobs: BatchJobs;
  container: ContainerKind = "jsonl";
  format: DatasetFormat = "raw";
  detected: DatasetFormat = "raw";
  reasons: string[] = [];
  indexing = true;
  bytesDone = 0;
  indexMs: number | null = null;
  /** Lazy index only: the byte scan's time and the rows it found (summaries follow). */
  scanMs: number | null = null;
  rowsScanned = 0;
  error: string | null = null;
  hasTokens = false;
  readonly fields = new Set<string>();
  readonly ready: Promise<void>;
  lastUsed = Date.now();
  private groupIds = new Map<string, number>();
  private text: TextCacheWriter;
  private reader: Reader | null = null;
  private abort = new AbortController();

  constructor(readonly opts: DatasetOptions) {
    this.view = new DatasetView(this);
    this.jobs = new BatchJobs(this);
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

  /** Rows whose search text is on disk (all of them once indexing is over). */
  get searchableRows(): number {
    return this.indexing ? this.text.flushedRows : this.store.length;
  }

  close(): void {
    this.abort.abort();
    void this.ready.then(() => this.reader?.close?.());
    void this.ready.then(() => fs.promises.rm(this.opts.textCachePath, { force: true }));
  }

  private addProblems(ps: Problem[]): void {
    for (const p of ps) {
      this.problemCounts[p.kind] = (this.problemCounts[p.kind] ?? 0) + 1;
      if (this.problems.length < MAX_PROBLEMS) this.problems.push(p);
    }
  }

  /** Group key → dense group id (`g:<step>/<group_index>` or `p:<step>/<prompt>`, normalize.ts). */
  get groupKeys(): ReadonlyMap<string, number> {
    return this.groupIds;
  }

  private groupId(key: string): number {
    let g = this.groupIds.get(key);
    if (g === undefined) {
      g = this.groupIds.size;
      this.groupIds.set(key, g);
    }
    return g;
  }

  private ingest(p: IndexedRecord): void {
    const s = p.value === undefined ? null : this.normalize(p.value, { row: this.store.length, line: p.line });
    this.ingestSummary(p, summaryOf(p, s, this.fields.size < MAX_FIELDS));
    // Train dumps: the trainer-vs-rollout logprob gap, a sortable column.
    const lp = s?.per_token ? logprobDiff(s) : null;
    if (lp && lp.counted) this.store.setLogprobDiff(this.store.length - 1, lp.max, lp.mean);
    const entropy = s?.per_token?.entropy ? maskedMean(s.per_token.entropy, s.loss_mask) : NaN;
    if (!Number.isNaN(entropy)) this.store.setEntropy(this.store.length - 1, entropy);
  }

  /**
   * Appends one row from its summary (computed here or in a worker thread), in file order. `text`:
   * where its search text already is in the text cache (appendText), else `sum.text` is appended.
   */
  ingestSummary(at: { offset: number; byteLength: number; line: number }, sum: RecordSummary, text?: { offset: number; length: number }): void {
    this.addProblems(sum.problems);
    if (sum.fields && this.fields.size < MAX_FIELDS) for (const k of sum.fields) this.fields.add(k);
    if (sum.hasTokens) this.hasTokens = true;
    const t = text ?? this.text.append(sum.text);
    this.store.push({
      offset: at.offset, byteLength: at.byteLength, line: at.line, index: sum.index,
      group: sum.groupKey === null ? -1 : this.groupId(sum.groupKey), status: sum.status, reward: sum.reward, acc: sum.acc,
      toolCalls: sum.toolCalls, respLen: sum.respLen, lenInChars: sum.lenInChars, flags: sum.flags,
      textOffset: t.offset, textLength: t.length, preview: sum.preview, step: sum.step,
    });
  }

  /** A run of rows' search text, encoded by a worker thread (lazy index). */
  appendText(bytes: Uint8Array, rows: number): number {
    return this.text.appendBlock(bytes, rows);
  }

  /** Where worker threads can read rows themselves: JSON files the generic reader handles. */
  jsonSource(): { path: string; format: DatasetFormat; maxRecordBytes: number } | null {
    if (!this.reader || this.reader.normalize || (this.container !== "jsonl" && this.container !== "json_array")) return null;
    return { path: this.opts.path, format: this.format, maxRecordBytes: this.opts.maxRecordBytes };
  }

  /** Sets the record format from sample values (the reader's own verdict first). */
  decideFrom(values: unknown[]): DatasetFormat {
    this.decide(values);
    return this.format;
  }

  /** The lazy index's byte scan is done: the row count is known before the rows are summarized. */
  scanned(rows: number, scanMs: number): void {
    this.rowsScanned = rows;
    this.scanMs = scanMs;
  }

  /** Lets the lazy index flush search text and report progress between batches. */
  async progress(bytesDone: number): Promise<void> {
    this.bytesDone = bytesDone;
    await this.text.flush();
  }

  private normalize(value: unknown, ctx: { row: number; line: number }): NormalizedSample {
    return this.reader?.normalize ? this.reader.normalize(this.format, value, ctx) : normalizeRecord(this.format, value, ctx);
  }

  private decide(values: unknown[]): void {
    const d = this.reader?.detected ?? detectFormat(values);
    this.detected = d.format;
    this.reasons = d.reasons;
    this.format = this.opts.format ?? d.format;
  }

  private async index(): Promise<void> {
    const started = Date.now();
    await fs.promises.mkdir(path.dirname(this.opts.textCachePath), { recursive: true });
    await this.text.open();
    try {
      const o = this.opts;
      this.reader = await openReader({ path: o.path, name: o.name, sizeBytes: o.sizeBytes, maxRecordBytes: o.maxRecordBytes });
      this.container = this.reader.container;
      // Large JSON Lines files: a byte scan finds the rows, worker threads summarize them.
      if (this.container === "jsonl" && o.sizeBytes >= lazyIndexMinBytes() && !this.reader.normalize) {
        const r = await indexJsonlInWorkers(this, { path: o.path, maxRecordBytes: o.maxRecordBytes, signal: this.abort.signal });
        if (r.error) {
          this.addProblems([{ line: 0, row: this.store.length, kind: "read_error", message: r.error }]);
          this.error = r.error;
        }
        this.bytesDone = this.opts.sizeBytes;
      } else await this.indexRecords(this.reader);
      // Re-score runs in worker threads over JSON files: have them ready when a person asks.
      // A little later, so their start-up (they load every reward's code) is not part of the index.
      if (this.jsonSource() && this.store.length >= RESCORE_WORKERS_MIN_ROWS) setTimeout(warmRescoreWorkers, 3000).unref();
    } finally {
      await this.text.close();
      this.indexMs = Date.now() - started;
    }
  }

  /** The format is decided on the first parsed records; until then they wait in `pending`. */
  private async indexRecords(reader: Reader): Promise<void> {
    let pending: IndexedRecord[] | null = [];
    let parsed = 0;
    const flushPending = (): void => {
      if (!pending) return;
      this.decide(pending.filter((p) => p.value !== undefined).map((p) => p.value));
      for (const p of pending) this.ingest(p);
      pending = null;
    };
    try {
      for await (const batch of reader.index(this.abort.signal)) {
        for (const rec of batch.records) {
          if (!pending) this.ingest(rec);
          else {
            pending.push(rec);
            if (rec.value !== undefined && ++parsed >= DETECT_SAMPLE) flushPending();
          }
        }
        this.bytesDone = batch.bytesDone;
        await this.text.flush();
        await yieldToLoop();
      }
    } catch (e) {
      // A structural error (e.g. not a JSON array) ends the scan; what was read stays loaded.
      flushPending();
      this.addProblems([{ line: 0, row: this.store.length, kind: "read_error", message: (e as Error).message }]);
      this.error = (e as Error).message;
    }
    flushPending();
    this.bytesDone = this.opts.sizeBytes;
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
      rows_found: this.scanMs !== null ? this.rowsScanned : this.indexing ? null : this.store.length,
      indexing: this.indexing,
      bytes_done: this.bytesDone,
      index_ms: this.indexMs,
      problems: total,
      problem_counts: { ...this.problemCounts },
      statuses: [...this.store.statuses],
      groups: this.groupIds.size,
      has_tokens: this.hasTokens,
      fields: [...this.fields],
      ...this.jobs.summary(),
      error: this.error,
    };
  }

  // ---- reading rows back ----

  /** A shared link may name a row that indexing has not reached yet: wait for it (or the end). */
  async waitForRow(row: number, signal?: AbortSignal): Promise<boolean> {
    while (this.indexing && this.store.length <= row && !signal?.aborted) await new Promise((r) => setTimeout(r, 25));
    return row < this.store.length;
  }

  private ref(row: number): RowRef {
    const s = this.store;
    if (!this.reader || row < 0 || row >= s.length) throw new RangeError(`row ${row} does not exist`);
    return { row, offset: s.offset[row]!, byteLength: s.byteLength[row]!, line: s.line[row]!, flags: s.flags[row]! };
  }

  /** A row in the normalized shape, with its raw text (cut at 1 MiB). */
  async sample(row: number): Promise<{ sample: NormalizedSample; raw: string; raw_truncated: boolean }> {
    const ref = this.ref(row);
    const r = await this.reader!.read(ref);
    let sample: NormalizedSample;
    if (r.value === undefined) {
      sample = normalizeRecord(this.format, {}, { row, line: ref.line });
      sample.problems = r.problems.length ? r.problems : [{ line: ref.line, row, kind: "read_error", message: "the record could not be read" }];
      sample.flags = ref.flags;
      sample.extra = {};
    } else {
      sample = this.normalize(r.value, { row, line: ref.line });
      if (r.problems.length) sample.problems = [...r.problems, ...sample.problems];
      sample.flags |= ref.flags;
    }
    return { sample, raw: r.raw.slice(0, RAW_LIMIT), raw_truncated: r.truncated || r.raw.length > RAW_LIMIT };
  }

  /** The JSON text of a row as it should be exported (the original line for JSON files). */
  exportLine(row: number): Promise<string | null> {
    return this.reader!.exportLine(this.ref(row));
  }
}
