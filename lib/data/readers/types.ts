// The reader seam: something that streams records out of a file or folder that is not JSON text
// (torch .pt dumps, folders of step files), and reads one record again by its row number.
import type { DatasetFormat, NormalizedSample, Problem } from "../types";

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

export interface ReaderBatch {
  /** Plain, JSON-able records in file order. */
  records: Record<string, unknown>[];
  bytesDone: number;
  /** Parallel to `records` (null = clean); absent when every record decoded. */
  defects?: (RecordDefect | null)[];
}

export interface RecordReader {
  readonly format: Exclude<FileFormat, "auto">;
  /** How a record normalizes (normalizeRecord's format). */
  readonly recordFormat: DatasetFormat;
  readonly sizeBytes: number;
  /** Why this layout was chosen, for the dataset header. */
  readonly reasons: string[];
  scan(signal?: AbortSignal): AsyncGenerator<ReaderBatch>;
  /** Record `row` again (after the scan has reached it). */
  read(row: number): Promise<Record<string, unknown>>;
  normalize(record: Record<string, unknown>, ctx: { row: number; line: number }): NormalizedSample;
  close(): void;
}

export class ReaderError extends Error {
  constructor(message: string, readonly kind: "refused" | "malformed" | "not_found" | "unsupported") {
    super(message);
  }
}
