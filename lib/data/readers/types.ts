// The one reader seam between a file format and the Dataset: a Reader turns one container
// (JSON Lines, a JSON array, Parquet, a .pt dump, a folder of dumps or verl step files) into records
// for the index pass, and reads one row again on demand. The Dataset never looks inside the file
// itself. index.ts picks the reader from one table keyed by ContainerKind (../types.ts); to add a
// container, add its kind there and its reader to that table (the Record does not build until it has
// one). Readers that hand out plain records by row number extend RowReader (row-reader.ts).
import type { ContainerKind, DatasetFormat, NormalizedSample, Problem } from "../types";

/** File layouts the readers know; `auto` detects from the path and the first bytes. */
export const fileFormats = ["auto", "slime-rollout-dump", "slime-train-dump", "verl-steps"] as const;
export type FileFormat = (typeof fileFormats)[number];

export const fileFormatLabels: Record<Exclude<FileFormat, "auto">, string> = {
  "slime-rollout-dump": "slime rollout dump (.pt, --save-debug-rollout-data)",
  "slime-train-dump": "slime train dump (.pt, --save-debug-train-data)",
  "verl-steps": "verl step files ({step}.jsonl, rollout_data_dir)",
};

/** A record that did not decode cleanly: its rowFlags bits and problems (as json.ts parseRecord reports them). */
export interface RecordDefect {
  flags: number;
  problems: Problem[];
  /** Not parsed (malformed, too large): the record is only a placeholder and should index as unparsed. */
  unparsed: boolean;
}

/** A batch of plain records from a row reader's scan (row-reader.ts). */
export interface ReaderBatch {
  /** Plain, JSON-able records in file order. */
  records: Record<string, unknown>[];
  bytesDone: number;
  /** Parallel to `records` (null = clean); absent when every record decoded. */
  defects?: (RecordDefect | null)[];
  /**
   * Index scans only (`scan(signal, true)`): parallel to `records`, the lengths of numeric arrays
   * the reader counted instead of building (the record holds them empty), as IndexedRecord.lens.
   */
  lens?: (Map<string, number> | null)[];
}

export class ReaderError extends Error {
  constructor(message: string, readonly kind: "refused" | "malformed" | "not_found" | "unsupported") {
    super(message);
  }
}

/** What the Dataset hands a reader when it opens a file. */
export interface ReaderSource {
  /** Absolute path of the file or folder. */
  path: string;
  /** The file's name as the user knows it (decides the container by extension). */
  name: string;
  sizeBytes: number;
  /** Records above this size are not parsed (flagged `tooLarge`). */
  maxRecordBytes: number;
  /** A layout the caller insists on (the CLI's --format); default auto. */
  format?: FileFormat;
}

/** One record of the index pass, in file order. */
export interface IndexedRecord {
  /** Where the record is: a byte offset and length, or whatever locates it for `read` (Parquet: the row). */
  offset: number;
  byteLength: number;
  /** 1-based line (or record number) that problems point at. */
  line: number;
  /** The parsed JSON value; undefined when the record could not be parsed. */
  value: unknown;
  /** `rowFlags` bits found while decoding (bad UTF-8, malformed, too large). */
  flags: number;
  problems: Problem[];
  /** The record's text when the reader has it (previews and search of unparsed rows). */
  raw: string | null;
  /** Lengths of numeric arrays cut out at index time (tokens, loss_mask, …), by field. */
  lens?: Map<string, number>;
}

export interface IndexBatch {
  records: IndexedRecord[];
  /** Bytes (or an estimate) read so far, for the progress bar. */
  bytesDone: number;
}

/** A row as the index stored it: what `read` and `exportLine` get back. */
export interface RowRef {
  row: number;
  offset: number;
  byteLength: number;
  line: number;
  flags: number;
}

export interface RowRead {
  /** The record's text (may be cut; `truncated` says so). */
  raw: string;
  truncated: boolean;
  /** The parsed value; undefined when it cannot be parsed. */
  value: unknown;
  /** Decoding problems of this record (bad UTF-8, malformed JSON, too large). */
  problems: Problem[];
}

export interface Reader {
  readonly container: ContainerKind;
  /** The index pass: batches of records in file order. A throw ends the pass (what was read stays). */
  index(signal: AbortSignal): AsyncIterable<IndexBatch>;
  /** One row again, in full (records are never kept in memory). */
  read(ref: RowRef): Promise<RowRead>;
  /** The row as one JSON line for export; null when it cannot be exported. */
  exportLine(ref: RowRef): Promise<string | null>;
  /**
   * Optional: the record format when the reader knows it (a slime dump is slime), instead of
   * detecting it from the first records. A format the user picks still wins.
   */
  readonly detected?: { format: DatasetFormat; reasons: string[] };
  /** Optional: a reader's own normalization (extra per-token fields); default normalizeRecord. */
  normalize?(format: DatasetFormat, value: unknown, ctx: { row: number; line: number }): NormalizedSample;
  /** Optional: release file handles when the dataset closes. */
  close?(): void;
}
