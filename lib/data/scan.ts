import "server-only";
import fs from "node:fs";

// Streaming record splitters. They read the file in chunks and yield byte ranges, so a
// 1 GB file never sits in memory: only the current chunk and one pending record do.

export interface RawRecord {
  /** Absolute byte offset of the record in the file. */
  offset: number;
  length: number;
  /** 1-based line where the record starts. */
  line: number;
  /** The record's bytes; null when it is larger than the limit (then it is not parsed). */
  bytes: Buffer | null;
}

export interface ScanOptions {
  maxRecordBytes: number;
  chunkBytes?: number;
  signal?: AbortSignal;
}

export interface ScanBatch {
  records: RawRecord[];
  /** Bytes read so far. */
  bytesDone: number;
}

const NL = 10;
const CR = 13;

function isBlank(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) return false;
  }
  return true;
}

/** JSON Lines: one record per non-blank line. */
export async function* scanJsonl(path: string, opts: ScanOptions): AsyncGenerator<ScanBatch> {
  const stream = fs.createReadStream(path, { highWaterMark: opts.chunkBytes ?? 4 * 1024 * 1024 });
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let pendingStart = 0;
  let tooLarge = false;
  let line = 1;
  let pos = 0; // absolute offset of the current chunk
  const finish = (records: RawRecord[], endOffset: number): void => {
    let bytes: Buffer | null = null;
    if (!tooLarge) {
      bytes = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingLen);
      if (bytes.length && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    }
    const length = endOffset - pendingStart;
    if (bytes === null || !isBlank(bytes)) records.push({ offset: pendingStart, length, line, bytes });
    pending = [];
    pendingLen = 0;
    tooLarge = false;
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (opts.signal?.aborted) return;
      const records: RawRecord[] = [];
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(NL, start);
        const end = nl === -1 ? chunk.length : nl;
        if (pendingLen === 0 && !tooLarge) pendingStart = pos + start;
        const piece = chunk.subarray(start, end);
        if (!tooLarge) {
          if (pendingLen + piece.length > opts.maxRecordBytes) {
            tooLarge = true;
            pending = [];
          } else if (piece.length) {
            // Copy: the stream may reuse its chunk buffers.
            pending.push(nl === -1 ? Buffer.from(piece) : piece);
          }
        }
        pendingLen += piece.length;
        if (nl === -1) break;
        finish(records, pos + nl);
        line++;
        start = nl + 1;
      }
      pos += chunk.length;
      if (records.length) yield { records, bytesDone: pos };
    }
    const records: RawRecord[] = [];
    if (pendingLen > 0 || tooLarge) finish(records, pos);
    yield { records, bytesDone: pos };
  } finally {
    stream.destroy();
  }
}

/**
 * A top-level JSON array: yields each element's byte range. A small state machine tracks
 * strings and nesting so commas inside values do not split records.
 */
export async function* scanJsonArray(path: string, opts: ScanOptions): AsyncGenerator<ScanBatch> {
  const stream = fs.createReadStream(path, { highWaterMark: opts.chunkBytes ?? 4 * 1024 * 1024 });
  let started = false; // saw the opening '['
  let ended = false;
  let depth = 0; // nesting inside the current element
  let inString = false;
  let escape = false;
  let inElem = false;
  let elemStart = 0;
  let elemLine = 1;
  let line = 1;
  let pos = 0;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let tooLarge = false;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (opts.signal?.aborted) return;
      const records: RawRecord[] = [];
      // Start within this chunk of the current element's bytes (0 when it began in an earlier chunk).
      let segStart = inElem ? 0 : -1;
      const flushPiece = (end: number): void => {
        if (segStart < 0) return;
        const piece = chunk.subarray(segStart, end);
        if (!tooLarge) {
          if (pendingLen + piece.length > opts.maxRecordBytes) {
            tooLarge = true;
            pending = [];
          } else pending.push(Buffer.from(piece));
        }
        pendingLen += piece.length;
        segStart = -1;
      };
      const closeElem = (endInChunk: number): void => {
        flushPiece(endInChunk);
        const length = pos + endInChunk - elemStart;
        records.push({
          offset: elemStart,
          length,
          line: elemLine,
          bytes: tooLarge ? null : Buffer.concat(pending, pendingLen),
        });
        pending = [];
        pendingLen = 0;
        tooLarge = false;
        inElem = false;
      };
      // Cached positions of the next quote / backslash: strings are skipped with native indexOf
      // instead of byte by byte (they are most of the bytes).
      let nextQ = -2;
      let nextB = -2;
      const find = (byte: number, from: number, cached: number): number =>
        cached === -1 || cached >= from ? cached : chunk.indexOf(byte, from);
      for (let i = 0; i < chunk.length; i++) {
        if (inString && !ended) {
          let j = i;
          let closed = -1;
          while (j < chunk.length) {
            if (escape) {
              escape = false;
              j++;
              continue;
            }
            nextQ = find(0x22, j, nextQ);
            nextB = find(0x5c, j, nextB);
            if (nextB !== -1 && (nextQ === -1 || nextB < nextQ)) {
              escape = true;
              j = nextB + 1;
              continue;
            }
            closed = nextQ;
            break;
          }
          if (closed === -1) break; // the string goes on in the next chunk
          inString = false;
          i = closed;
          continue;
        }
        const c = chunk[i]!;
        if (c === NL) line++;
        if (ended) continue;
        if (!started) {
          if (c === 0x5b) started = true;
          else if (c !== 32 && c !== 9 && c !== 13 && c !== NL) {
            throw new Error(`line ${line}: a JSON array file must start with '['`);
          }
          continue;
        }
        if (!inElem) {
          if (c === 32 || c === 9 || c === 13 || c === NL || c === 0x2c) continue;
          if (c === 0x5d) {
            ended = true;
            continue;
          }
          inElem = true;
          elemStart = pos + i;
          elemLine = line;
          segStart = i;
          depth = 0;
        }
        if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          if (depth === 0) {
            // closing bracket of the top-level array right after a scalar element
            closeElem(i);
            ended = true;
            continue;
          }
          depth--;
          if (depth === 0) closeElem(i + 1);
        } else if (c === 0x2c && depth === 0) closeElem(i);
      }
      if (inElem) flushPiece(chunk.length);
      pos += chunk.length;
      if (records.length) yield { records, bytesDone: pos };
    }
    const records: RawRecord[] = [];
    if (inElem) {
      // Unterminated last element: hand it over so the parser reports it.
      records.push({ offset: elemStart, length: pos - elemStart, line: elemLine, bytes: tooLarge ? null : Buffer.concat(pending, pendingLen) });
    }
    if (!started) throw new Error("empty file: no JSON array found");
    yield { records, bytesDone: pos };
  } finally {
    stream.destroy();
  }
}

/** `len` bytes at `pos` of an open file, read synchronously (fewer at the end of the file). */
export function readRangeSync(fd: number, pos: number, len: number): Buffer {
  const buf = Buffer.allocUnsafe(len);
  let done = 0;
  while (done < len) {
    const n = fs.readSync(fd, buf, done, len - done, pos + done);
    if (n === 0) break;
    done += n;
  }
  return done === len ? buf : buf.subarray(0, done);
}

/** Read one record's bytes by offset. */
export async function readRange(path: string, offset: number, length: number): Promise<Buffer> {
  const fh = await fs.promises.open(path, "r");
  try {
    const buf = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(buf, done, length - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return buf.subarray(0, done);
  } finally {
    await fh.close();
  }
}

/** First non-blank byte decides JSON array vs JSON Lines when the extension does not. */
export async function sniffContainer(path: string): Promise<"jsonl" | "json_array" | "parquet"> {
  const fh = await fs.promises.open(path, "r");
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const b = head.subarray(0, bytesRead);
    if (b.subarray(0, 4).toString("latin1") === "PAR1") return "parquet";
    for (const c of b) {
      if (c === 32 || c === 9 || c === 10 || c === 13) continue;
      return c === 0x5b ? "json_array" : "jsonl";
    }
    return "jsonl";
  } finally {
    await fh.close();
  }
}

export interface RecordRef {
  offset: number;
  /** Bytes of the record, including a trailing CR when the line has one. */
  length: number;
  line: number;
  tooLarge: boolean;
}

/**
 * JSON Lines, offsets only: where each non-blank line starts and how long it is, found with a
 * native byte search and no copy or parse. This is the index pass of large files; the records
 * are summarized afterwards (in worker threads, see Dataset).
 */
export async function* scanJsonlOffsets(path: string, opts: ScanOptions): AsyncGenerator<{ records: RecordRef[]; bytesDone: number }> {
  const fh = await fs.promises.open(path, "r");
  const chunkBytes = opts.chunkBytes ?? 8 * 1024 * 1024;
  const buf = Buffer.allocUnsafe(chunkBytes);
  let pos = 0; // file offset of buf[0]
  let lineStart = 0; // file offset where the current line starts
  let lineNo = 1;
  let blank = true; // the current line has only whitespace so far
  try {
    for (;;) {
      if (opts.signal?.aborted) return;
      const { bytesRead } = await fh.read(buf, 0, chunkBytes, pos);
      const end = bytesRead;
      const records: RecordRef[] = [];
      let i = 0;
      // Within a line only the first non-blank byte matters: after it, jump to the next newline.
      while (i < end) {
        if (blank) {
          const c = buf[i]!;
          if (c === NL) {
            lineNo++;
            lineStart = pos + i + 1;
            i++;
            continue;
          }
          if (c === 32 || c === 9 || c === CR) {
            i++;
            continue;
          }
          blank = false;
        }
        const nl = buf.indexOf(NL, i);
        if (nl === -1 || nl >= end) {
          i = end;
          break;
        }
        const length = pos + nl - lineStart;
        records.push({ offset: lineStart, length, line: lineNo, tooLarge: length > opts.maxRecordBytes });
        lineNo++;
        lineStart = pos + nl + 1;
        blank = true;
        i = nl + 1;
      }
      if (bytesRead === 0) {
        if (!blank) {
          const length = pos + end - lineStart;
          records.push({ offset: lineStart, length, line: lineNo, tooLarge: length > opts.maxRecordBytes });
        }
        yield { records, bytesDone: pos + end };
        return;
      }
      // Nothing of an unfinished line needs keeping in memory: only its start offset matters.
      pos += end;
      if (records.length) yield { records, bytesDone: pos };
    }
  } finally {
    await fh.close();
  }
}
