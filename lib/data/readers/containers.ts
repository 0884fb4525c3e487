import "server-only";
import fs from "node:fs";
import { sniffContainer } from "../scan";
import type { ContainerKind, DatasetFormat, NormalizedSample } from "../types";
import type { DatasetReader, ReaderSource } from "./dataset-reader";
import type { ReaderBatch } from "./types";
import { openReader } from "./index";
import { jsonReader } from "./json";
import { parquetReader } from "./parquet";

// Which reader opens a file for the Dataset: the extension decides, else the first bytes
// (scan.ts sniffs). Dumps and folders never get here: openDatasetReader hands them to
// readers/index.ts (through `fromRecordReader`) first. The Record is exhaustive over the rest, so a
// new container kind does not build until it has a reader here.
type FileContainer = Exclude<ContainerKind, "pt" | "folder">;
const readers: Record<FileContainer, (src: ReaderSource) => DatasetReader> = {
  jsonl: (src) => jsonReader(src, "jsonl"),
  json_array: (src) => jsonReader(src, "json_array"),
  parquet: parquetReader,
};

export function containerFor(file: string): FileContainer | null {
  const lower = file.toLowerCase();
  if (lower.endsWith(".parquet")) return "parquet";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  return null;
}

export async function openDatasetReader(src: ReaderSource): Promise<DatasetReader> {
  // .pt dumps, folders of dumps and verl step folders (readers/index.ts decides; null = JSON/Parquet).
  const dump = openReader(src.path);
  if (dump) return fromRecordReader(dump, (await fs.promises.stat(src.path)).isDirectory() ? "folder" : "pt");
  const kind = containerFor(src.name) ?? (await sniffContainer(src.path));
  return readers[kind](src);
}

/** What the seam needs of a reader that yields plain records by row (readers/types.ts RecordReader). */
export interface RowRecordReader {
  readonly recordFormat: DatasetFormat;
  readonly reasons: string[];
  scan(signal?: AbortSignal): AsyncIterable<ReaderBatch>;
  read(row: number): Promise<Record<string, unknown>>;
  normalize(record: Record<string, unknown>, ctx: { row: number; line: number }): NormalizedSample;
  close(): void;
}

/** A record-by-row reader as a DatasetReader: offset = row, line = row + 1, raw = pretty JSON. */
export function fromRecordReader(r: RowRecordReader, container: ContainerKind): DatasetReader {
  return {
    container,
    detected: { format: r.recordFormat, reasons: r.reasons },
    async *index(signal) {
      let row = 0;
      for await (const batch of r.scan(signal)) {
        const records = batch.records.map((value, i) => {
          const at = row++;
          // A line the reader could not parse indexes like a bad JSON Lines row: problems and flags.
          const d = batch.defects?.[i];
          return { offset: at, byteLength: 0, line: at + 1, value: d?.unparsed ? undefined : value, flags: d?.flags ?? 0, problems: d?.problems ?? [], raw: null };
        });
        yield { records, bytesDone: batch.bytesDone };
      }
    },
    async read(ref) {
      const value = await r.read(ref.row);
      return { raw: JSON.stringify(value, null, 2) ?? "", truncated: false, value, problems: [] };
    },
    async exportLine(ref) {
      return JSON.stringify(await r.read(ref.row));
    },
    normalize: (_format, value, ctx) => r.normalize(value as Record<string, unknown>, ctx),
    close: () => r.close(),
  };
}

export type { DatasetReader, IndexBatch, IndexedRecord, ReaderSource, RowRead, RowRef } from "./dataset-reader";
