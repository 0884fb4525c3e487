import "server-only";
import fs from "node:fs";
import { Worker } from "node:worker_threads";
import type { Result } from "@/lib/result";
import { err, ok } from "@/lib/result";

// While indexing we append each row's prompt + response as plain UTF-8 to a side file.
// Searching then reads that file sequentially (no JSON parsing, no token arrays) in a
// worker thread, so a slow regex never blocks the server and can be stopped.

export class TextCacheWriter {
  private fh: fs.promises.FileHandle | null = null;
  private parts: Buffer[] = [];
  private partsLen = 0;
  /** Bytes handed out so far (offset of the next row's text). */
  size = 0;
  /** Rows whose text is on disk. */
  flushedRows = 0;
  private pendingRows = 0;

  constructor(readonly path: string) {}

  async open(): Promise<void> {
    this.fh = await fs.promises.open(this.path, "w");
  }

  append(text: string): { offset: number; length: number } {
    const buf = Buffer.from(text, "utf8");
    const offset = this.size;
    this.parts.push(buf);
    this.partsLen += buf.length;
    this.size += buf.length;
    this.pendingRows++;
    return { offset, length: buf.length };
  }

  /** Text already encoded, for `rows` rows back to back; returns the offset it starts at. */
  appendBlock(bytes: Uint8Array, rows: number): number {
    const offset = this.size;
    this.parts.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.partsLen += bytes.byteLength;
    this.size += bytes.byteLength;
    this.pendingRows += rows;
    return offset;
  }

  async flush(): Promise<void> {
    if (!this.fh) return;
    if (this.partsLen) {
      let parts = this.parts;
      const total = this.partsLen;
      this.parts = [];
      this.partsLen = 0;
      // Written as they are (a worker's run is one block already), not copied into one buffer first.
      let done = 0;
      while (done < total) {
        const n = (await this.fh.writev(parts)).bytesWritten;
        done += n;
        if (done < total) parts = rest(parts, n);
      }
    }
    this.flushedRows += this.pendingRows;
    this.pendingRows = 0;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.fh?.close();
    this.fh = null;
  }
}

/** What is left of `parts` after its first `n` bytes. */
function rest(parts: Buffer[], n: number): Buffer[] {
  let k = 0;
  while (k < parts.length && n >= parts[k]!.length) n -= parts[k++]!.length;
  const out = parts.slice(k);
  if (out.length && n > 0) out[0] = out[0]!.subarray(n);
  return out;
}

export interface SearchProgress {
  done: number;
  total: number;
  matches: number;
}

/** Which rows matched (`mask[row]` is 1), how many, and how long the scan took. */
export type SearchOutcome = Result<{ mask: Uint8Array; matches: number; ms: number }>;

// Plain CommonJS run with `eval: true`, so bundling never has to locate a worker file.
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
const { path, offsets, lengths, n, source, flags, chunk } = workerData;
const re = new RegExp(source, flags);
const mask = new Uint8Array(n);
let matches = 0;
const fd = fs.openSync(path, "r");
const buf = Buffer.allocUnsafe(chunk);
function readFull(b, len, pos) {
  let done = 0;
  while (done < len) {
    const r = fs.readSync(fd, b, done, len - done, pos + done);
    if (r === 0) break;
    done += r;
  }
}
let row = 0;
let lastPost = 0;
while (row < n) {
  const start = offsets[row];
  let end = row;
  let bytesEnd = start;
  while (end < n && offsets[end] + lengths[end] - start <= chunk) { bytesEnd = offsets[end] + lengths[end]; end++; }
  if (end === row) {
    const b = Buffer.allocUnsafe(lengths[row]);
    readFull(b, lengths[row], start);
    if (re.test(b.toString("utf8"))) { mask[row] = 1; matches++; }
    row++;
  } else {
    readFull(buf, bytesEnd - start, start);
    for (let r = row; r < end; r++) {
      const a = offsets[r] - start;
      if (re.test(buf.toString("utf8", a, a + lengths[r]))) { mask[r] = 1; matches++; }
    }
    row = end;
  }
  const now = Date.now();
  if (now - lastPost > 100) { lastPost = now; parentPort.postMessage({ type: "progress", done: row, matches }); }
}
fs.closeSync(fd);
parentPort.postMessage({ type: "done", mask, matches }, [mask.buffer]);
`;

export function searchTextCache(opts: {
  path: string;
  offsets: Float64Array;
  lengths: Int32Array;
  n: number;
  regex: RegExp;
  timeoutMs: number;
  signal?: AbortSignal;
  onProgress?: (p: SearchProgress) => void;
}): Promise<SearchOutcome> {
  const started = Date.now();
  return new Promise((resolve) => {
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: {
        path: opts.path,
        offsets: opts.offsets.slice(0, opts.n),
        lengths: opts.lengths.slice(0, opts.n),
        n: opts.n,
        source: opts.regex.source,
        flags: opts.regex.flags.replace(/[gy]/g, ""),
        chunk: 16 * 1024 * 1024,
      },
    });
    let settled = false;
    const finish = (o: SearchOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      void worker.terminate();
      resolve(o);
    };
    const timer = setTimeout(
      () => finish(err({ code: "timeout:search", message: `The search was stopped after ${Math.round(opts.timeoutMs / 1000)} s. Simplify the regular expression or narrow the filters.` })),
      opts.timeoutMs,
    );
    const onAbort = (): void => finish(err({ code: "bad_request:cancelled", message: "The search was cancelled." }));
    opts.signal?.addEventListener("abort", onAbort);
    worker.on("message", (m: { type: "progress"; done: number; matches: number } | { type: "done"; mask: Uint8Array; matches: number }) => {
      if (m.type === "progress") opts.onProgress?.({ done: m.done, total: opts.n, matches: m.matches });
      else finish(ok({ mask: m.mask, matches: m.matches, ms: Date.now() - started }));
    });
    worker.on("error", (e) => finish(err({ code: "internal:search", message: `The search failed: ${e.message}` })));
    worker.on("exit", (code) => {
      if (!settled) finish(err({ code: "internal:search", message: `The search worker stopped (exit ${code}).` }));
    });
  });
}
