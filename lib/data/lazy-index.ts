import "server-only";
import { serverEnv } from "@/lib/env";
import { globalStore } from "@/lib/global-store";
import { WorkerPool } from "@/lib/workers/pool";
import { parseRecord } from "./readers/json";
import { readRange, scanJsonlOffsets, type RecordRef } from "./scan";
import { runSummarizeTask, type SummarizeTask, type SummarizedRun } from "./summarize-task";
import type { RecordSummary } from "./summary";
import type { DatasetFormat } from "./types";

// The index of a large JSON Lines file in two passes that overlap:
//   1. a byte scan finds every row (offsets only, no parse: disk speed);
//   2. worker threads summarize runs of rows (parse + normalize), and the results are applied in
//      file order, so the list fills from the top while the scan is still running.
// While the scan runs, one run at a time is in a worker: the scan keeps a core of its own (every
// row known, for the count, scrolling and links, comes first) and the other core summarizes.
// Once the scan is over, every worker summarizes.

const MiB = 1024 * 1024;
const TASK_ROWS = 512;
const FIRST_TASK_ROWS = 200;
const FIRST_TASK_BYTES = 16 * MiB;
const TASK_BYTES = 2 * MiB;
const DETECT_SAMPLE = 50;
const DETECT_READ_BYTES = 16 * MiB;

export function lazyIndexMinBytes(): number {
  return serverEnv().PLAYGROUND_INSPECT_WORKERS_MIN_MB * MiB;
}

/** What the lazy index needs of a Dataset. */
export interface SummarySink {
  decideFrom(values: unknown[]): DatasetFormat;
  /** Appends a run's search text (`rows` rows of it) to the text cache; the offset it starts at. */
  appendText(bytes: Uint8Array, rows: number): number;
  /** One row, in file order; its search text is at `text` in the text cache. */
  ingestSummary(at: { offset: number; byteLength: number; line: number }, sum: RecordSummary, text: { offset: number; length: number }): void;
  progress(bytesDone: number): Promise<void>;
  /** The byte scan is over: every row of the file is known (summaries may still be coming). */
  scanned(rows: number, scanMs: number): void;
}

/** Tasks the summarize threads have finished in this process. */
export function summarizeWorkerTasks(): number {
  return pool().completed;
}

function pool(): WorkerPool<SummarizeTask, SummarizedRun> {
  // Small heaps: a task is a MiB or two of records, and the index must stay within a few hundred MB.
  return globalStore(
    "inspect-summarize-pool",
    () => new WorkerPool<SummarizeTask, SummarizedRun>("lib/data/summarize.worker.ts", undefined, { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 96 }),
  );
}

export async function indexJsonlInWorkers(
  sink: SummarySink,
  opts: { path: string; maxRecordBytes: number; signal: AbortSignal },
): Promise<{ rows: number; scanMs: number; error?: string }> {
  const refs: RecordRef[] = [];
  let scanDone = false;
  let scanError: string | undefined;
  let scanMs = 0;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const started = performance.now();

  const scan = (async () => {
    try {
      for await (const batch of scanJsonlOffsets(opts.path, { maxRecordBytes: opts.maxRecordBytes, signal: opts.signal })) {
        for (const r of batch.records) refs.push(r);
        notify();
      }
    } catch (e) {
      scanError = (e as Error).message;
    } finally {
      scanMs = performance.now() - started;
      scanDone = true;
      sink.scanned(refs.length, scanMs);
      notify();
    }
  })();

  const workers = pool();
  void workers.warm().catch(() => {});
  const maxInflight = workers.size * 2;
  const inflight: { first: number; n: number; result: Promise<SummarizedRun> }[] = [];
  let format: DatasetFormat | null = null;
  let next = 0;
  let workersBroken = false;

  const taskOf = (first: number, n: number, fmt: DatasetFormat): SummarizeTask => {
    const t: SummarizeTask = {
      path: opts.path, format: fmt, maxRecordBytes: opts.maxRecordBytes, firstRow: first,
      offsets: new Float64Array(n), lengths: new Float64Array(n), lines: new Int32Array(n), tooLarge: new Uint8Array(n),
      wantFields: true,
    };
    for (let i = 0; i < n; i++) {
      const r = refs[first + i]!;
      t.offsets[i] = r.offset;
      t.lengths[i] = r.length;
      t.lines[i] = r.line;
      t.tooLarge[i] = r.tooLarge ? 1 : 0;
    }
    return t;
  };
  const dispatch = (first: number, n: number, fmt: DatasetFormat) => {
    const task = taskOf(first, n, fmt);
    const here = () => Promise.resolve(runSummarizeTask(task));
    // The first rows are summarized here at once: the list shows them while the workers start.
    const result = workersBroken || first === 0
      ? here()
      : workers.run(task).catch((e: unknown) => {
          // Without workers (bundling failed, a worker crashed) the same code runs here.
          if (!workersBroken) console.error(`[inspect] summarize worker failed, continuing in the server thread: ${(e as Error).message}`);
          workersBroken = true;
          return here();
        });
    inflight.push({ first, n, result });
  };
  const applyOldest = async () => {
    const job = inflight.shift()!;
    const run = await job.result;
    let textAt = sink.appendText(run.text, job.n);
    for (let i = 0; i < job.n; i++) {
      const r = refs[job.first + i]!;
      const length = run.textLengths[i]!;
      sink.ingestSummary({ offset: r.offset, byteLength: r.length, line: r.line }, run.rows[i]!, { offset: textAt, length });
      textAt += length;
    }
    const last = refs[job.first + job.n - 1]!;
    await sink.progress(last.offset + last.length);
  };

  while (!opts.signal.aborted) {
    // A full task's worth of rows, or whatever is left once the scan is over.
    let n = 0;
    let bytes = 0;
    // The first run is a screenful of rows, summarized here at once; later runs are about a MiB.
    const rowsWanted = next === 0 ? FIRST_TASK_ROWS : TASK_ROWS;
    const bytesWanted = next === 0 ? FIRST_TASK_BYTES : TASK_BYTES;
    while (next + n < refs.length && n < rowsWanted && bytes < bytesWanted) bytes += refs[next + n++]!.length;
    // Until the scan is over, only full runs, one in a worker at a time (see the top).
    const partial = n < rowsWanted && bytes < bytesWanted;
    if (!scanDone && (partial || (next > 0 && inflight.length >= 1))) {
      if (inflight.length) await applyOldest();
      else await new Promise<void>((r) => (wake = r));
      continue;
    }
    if (n === 0) break;
    format ??= await detect(sink, opts.path, refs.slice(0, DETECT_SAMPLE), opts.maxRecordBytes);
    dispatch(next, n, format);
    next += n;
    if (inflight.length >= maxInflight) await applyOldest();
  }
  while (inflight.length) await applyOldest();
  await scan;
  return { rows: refs.length, scanMs, ...(scanError ? { error: scanError } : {}) };
}

/** The format from the first records, parsed here (a few KB). */
async function detect(sink: SummarySink, path: string, sample: RecordRef[], maxRecordBytes: number): Promise<DatasetFormat> {
  const values: unknown[] = [];
  // The first rows sit together at the head of the file: one read, not one per row (the byte scan
  // keeps the I/O threads busy, and each small read would queue behind its big ones).
  const first = sample[0];
  const last = sample[sample.length - 1];
  const span = first && last ? last.offset + last.length - first.offset : 0;
  const head = span > 0 && span <= DETECT_READ_BYTES ? await readRange(path, first!.offset, span) : null;
  for (const [i, r] of sample.entries()) {
    if (r.tooLarge) continue;
    let bytes = head ? head.subarray(r.offset - first!.offset, r.offset - first!.offset + r.length) : await readRange(path, r.offset, r.length);
    if (bytes.length && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
    const p = parseRecord({ offset: r.offset, length: r.length, line: r.line, bytes }, i, maxRecordBytes, true);
    if (p.value !== undefined) values.push(p.value);
  }
  return sink.decideFrom(values);
}
