// The seam between a file format and the Dataset: a reader turns one container (JSON Lines, a
// JSON array, Parquet, a .pt dump, …) into records for the index pass, and reads one row again on
// demand. The Dataset never looks inside the file itself. To add a container: add its name to
// `containerKinds` (../types.ts), write a reader in this folder, and register it in readers/index.ts.
// A reader that yields plain records by row number sets offset = row, byteLength = 0, line = row + 1.
import type { ContainerKind, DatasetFormat, NormalizedSample, Problem } from "../types";

/** What the Dataset hands a reader when it opens a file. */
export interface ReaderSource {
  /** Absolute path of the file. */
  path: string;
  /** The file's name as the user knows it (decides the container by extension). */
  name: string;
  sizeBytes: number;
  /** Records above this size are not parsed (flagged `tooLarge`). */
  maxRecordBytes: number;
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

export interface DatasetReader {
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
