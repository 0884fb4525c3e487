import "server-only";
import { sniffContainer } from "../scan";
import type { ContainerKind } from "../types";
import { jsonReader } from "./json";
import { parquetReader } from "./parquet";
import type { DatasetReader, ReaderSource } from "./types";

// Which reader opens a file: the extension decides, else the first bytes (scan.ts sniffs).
// The Record is exhaustive, so a new container kind does not build until it has a reader here.
const readers: Record<ContainerKind, (src: ReaderSource) => DatasetReader> = {
  jsonl: (src) => jsonReader(src, "jsonl"),
  json_array: (src) => jsonReader(src, "json_array"),
  parquet: parquetReader,
};

export function containerFor(file: string): ContainerKind | null {
  const lower = file.toLowerCase();
  if (lower.endsWith(".parquet")) return "parquet";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  return null;
}

export async function openReader(src: ReaderSource): Promise<DatasetReader> {
  const kind = containerFor(src.name) ?? (await sniffContainer(src.path));
  return readers[kind](src);
}

export type { DatasetReader, IndexBatch, IndexedRecord, ReaderSource, RowRead, RowRef } from "./types";
