import "server-only";
import type { ContainerKind, DatasetFormat, NormalizedSample } from "../types";
import type { FileFormat, IndexBatch, IndexedRecord, Reader, ReaderBatch, RowRead, RowRef } from "./types";

/**
 * A Reader for containers that hand out plain records by row number (slime .pt dumps, folders of
 * dumps, verl step files): a subclass scans records in order and reads one again by its row; the
 * Reader side follows (offset = row, byteLength = 0, line = row + 1, raw = pretty JSON). The CLI's
 * `read` walks `scan` and `normalizeRow` directly.
 */
export abstract class RowReader implements Reader {
  abstract readonly container: Extract<ContainerKind, "pt" | "folder" | "jsonl">;
  /** The layout this reader reads (what --format would name). */
  abstract readonly format: Exclude<FileFormat, "auto">;
  /** How a record normalizes (normalizeRecord's format). */
  abstract readonly recordFormat: DatasetFormat;
  abstract readonly sizeBytes: number;
  /** Why this layout was chosen, for the dataset header. */
  abstract readonly reasons: string[];
  /**
   * Records in order. `forIndex`: for the index pass only, which needs a record's summary: the
   * reader may leave long numeric arrays empty and give their lengths in `lens` (see ReaderBatch).
   */
  abstract scan(signal?: AbortSignal, forIndex?: boolean): AsyncGenerator<ReaderBatch>;
  /** Record `row` again (after the scan has reached it). */
  abstract readRow(row: number): Promise<Record<string, unknown>>;
  abstract normalizeRow(record: Record<string, unknown>, ctx: { row: number; line: number }): NormalizedSample;
  close(): void {}

  get detected(): { format: DatasetFormat; reasons: string[] } {
    return { format: this.recordFormat, reasons: this.reasons };
  }

  async *index(signal: AbortSignal): AsyncGenerator<IndexBatch> {
    let row = 0;
    for await (const batch of this.scan(signal, true)) {
      const records = batch.records.map((value, i): IndexedRecord => {
        const at = row++;
        // A line the reader could not parse indexes like a bad JSON Lines row: problems and flags.
        const d = batch.defects?.[i];
        const lens = batch.lens?.[i];
        return { offset: at, byteLength: 0, line: at + 1, value: d?.unparsed ? undefined : value, flags: d?.flags ?? 0, problems: d?.problems ?? [], raw: null, ...(lens ? { lens } : {}) };
      });
      yield { records, bytesDone: batch.bytesDone };
    }
  }

  async read(ref: RowRef): Promise<RowRead> {
    const value = await this.readRow(ref.row);
    return { raw: JSON.stringify(value, null, 2) ?? "", truncated: false, value, problems: [] };
  }

  async exportLine(ref: RowRef): Promise<string | null> {
    return JSON.stringify(await this.readRow(ref.row));
  }

  normalize(_format: DatasetFormat, value: unknown, ctx: { row: number; line: number }): NormalizedSample {
    return this.normalizeRow(value as Record<string, unknown>, ctx);
  }
}
