import "server-only";
import fs from "node:fs";
import path from "node:path";
import type { RawRecord } from "../scan";
import { readRange, scanJsonl } from "../scan";
import { rowFlags } from "../types";
import { parseRecord } from "./json";
import { normalizeWithStep } from "./normalize-dump";
import { RowReader } from "./row-reader";
import type { ReaderBatch, RecordDefect } from "./types";

// verl's generation dumps: _dump_generations writes {global_step}.jsonl files (input, output, gts,
// score, step and the extra reward fields) into trainer.rollout_data_dir / validation_data_dir.
// A folder of them is one dataset; each record keeps (or gets, from its file name) its step.

const stepFile = /^(\d+)\.jsonl$/;
/** Default record-size limit when the opener gives none. */
const MAX_RECORD = 64 * 1024 * 1024;

export function verlStepFiles(dir: string): { path: string; step: number }[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && stepFile.test(d.name))
    .map((d) => ({ path: path.join(dir, d.name), step: Number(stepFile.exec(d.name)![1]) }))
    .sort((a, b) => a.step - b.step);
}

export class VerlStepsReader extends RowReader {
  readonly format = "verl-steps" as const;
  readonly recordFormat = "verl" as const;
  readonly sizeBytes: number;
  private rows: { file: number; offset: number; length: number; line: number }[] = [];

  constructor(
    readonly files: { path: string; step: number }[],
    readonly reasons: string[],
    readonly maxRecordBytes = MAX_RECORD,
    /** A folder of step files, or one step file read with --format verl-steps. */
    readonly container: "folder" | "jsonl" = "folder",
  ) {
    super();
    this.sizeBytes = files.reduce((a, f) => a + fs.statSync(f.path).size, 0);
  }

  /** One line, parsed as JSON Lines are (parseRecord); a bad line is a placeholder keeping its step, plus its defect. */
  private record(file: number, rec: RawRecord, row: number): { value: Record<string, unknown>; defect: RecordDefect | null } {
    const f = this.files[file]!;
    const name = path.basename(f.path);
    const p = parseRecord(rec, row, this.maxRecordBytes);
    // A folder is one dataset, so each problem names its step file.
    const problems = p.problems.map((q) => ({ ...q, message: `${name}: ${q.message}` }));
    const v = p.value;
    if (v === undefined) return { value: { step: f.step }, defect: { flags: p.flags, problems, unparsed: true } };
    if (typeof v !== "object" || v === null || Array.isArray(v)) {
      problems.push({ line: rec.line, row, kind: "not_object", message: `${name}: line holds ${Array.isArray(v) ? "an array" : typeof v}, not an object` });
      return { value: { step: f.step }, defect: { flags: p.flags | rowFlags.notObject, problems, unparsed: false } };
    }
    const o = v as Record<string, unknown>;
    if (typeof o.step !== "number") o.step = f.step;
    return { value: o, defect: p.flags || problems.length ? { flags: p.flags, problems, unparsed: false } : null };
  }

  async *scan(signal?: AbortSignal): AsyncGenerator<ReaderBatch> {
    let before = 0;
    for (let i = 0; i < this.files.length; i++) {
      const f = this.files[i]!;
      for await (const b of scanJsonl(f.path, { maxRecordBytes: this.maxRecordBytes, signal })) {
        const records: Record<string, unknown>[] = [];
        const defects: (RecordDefect | null)[] = [];
        for (const r of b.records) {
          const { value, defect } = this.record(i, r, this.rows.length);
          this.rows.push({ file: i, offset: r.offset, length: r.length, line: r.line });
          records.push(value);
          defects.push(defect);
        }
        yield { records, bytesDone: before + b.bytesDone, ...(defects.some((d) => d) ? { defects } : {}) };
      }
      before += fs.statSync(f.path).size;
    }
  }

  async readRow(row: number): Promise<Record<string, unknown>> {
    const r = this.rows[row];
    if (!r) throw new RangeError(`row ${row} does not exist`);
    const bytes = r.length > this.maxRecordBytes ? null : await readRange(this.files[r.file]!.path, r.offset, r.length);
    return this.record(r.file, { offset: r.offset, length: r.length, line: r.line, bytes }, row).value;
  }

  normalizeRow(record: Record<string, unknown>, ctx: { row: number; line: number }) {
    return normalizeWithStep("verl", record, ctx);
  }
}
