import "server-only";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import type { Reader, ReaderSource } from "./types";

// Parquet through hyparquet (pure JS). Rows are read in batches by row number, so memory
// stays bounded by the batch, and a sample is fetched later by its row number.

/** JSON-safe values: BigInt to number (or string when too large), dates to ISO, bytes to base64. */
export function plain(v: unknown): unknown {
  if (typeof v === "bigint") return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x) => plain(x));
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

export async function* scanParquet(path: string, batchRows = 2000, signal?: AbortSignal): AsyncGenerator<{ start: number; rows: unknown[]; total: number }> {
  const file = await asyncBufferFromFile(path);
  const meta = await parquetMetadataAsync(file);
  const total = Number(meta.num_rows);
  for (let start = 0; start < total; start += batchRows) {
    if (signal?.aborted) return;
    const rows = await parquetReadObjects({ file, metadata: meta, rowStart: start, rowEnd: Math.min(total, start + batchRows) });
    yield { start, rows: rows.map(plain), total };
  }
}

export async function readParquetRow(path: string, row: number): Promise<unknown> {
  const file = await asyncBufferFromFile(path);
  const rows = await parquetReadObjects({ file, rowStart: row, rowEnd: row + 1 });
  return rows[0] === undefined ? undefined : plain(rows[0]);
}

/** A Parquet file: a record's "offset" is its row number; values are already JSON-safe. */
export function parquetReader(src: ReaderSource): Reader {
  return {
    container: "parquet",
    async *index(signal) {
      for await (const batch of scanParquet(src.path, 2000, signal)) {
        const records = batch.rows.map((value, i) => {
          const row = batch.start + i;
          return { offset: row, byteLength: 0, line: row + 1, value, flags: 0, problems: [], raw: null };
        });
        yield { records, bytesDone: Math.round((src.sizeBytes * (batch.start + batch.rows.length)) / Math.max(1, batch.total)) };
      }
    },
    async read(ref) {
      const value = await readParquetRow(src.path, ref.row);
      return { raw: JSON.stringify(value, null, 2) ?? "", truncated: false, value, problems: [] };
    },
    async exportLine(ref) {
      return JSON.stringify(await readParquetRow(src.path, ref.row));
    },
  };
}
