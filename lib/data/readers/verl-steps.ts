import "server-only";
import fs from "node:fs";
import path from "node:path";
import { readRange, scanJsonl } from "../scan";
import { normalizeWithStep } from "./normalize-dump";
import type { ReaderBatch, RecordReader } from "./types";

// verl's generation dumps: _dump_generations writes {global_step}.jsonl files (input, output, gts,
// score, step and the extra reward fields) into trainer.rollout_data_dir / validation_data_dir.
// A folder of them is one dataset; each record keeps (or gets, from its file name) its step.

const stepFile = /^(\d+)\.jsonl$/;
const MAX_RECORD = 64 * 1024 * 1024;

export function verlStepFiles(dir: string): { path: string; step: number }[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && stepFile.test(d.name))
    .map((d) => ({ path: path.join(dir, d.name), step: Number(stepFile.exec(d.name)![1]) }))
    .sort((a, b) => a.step - b.step);
}

export class VerlStepsReader implements RecordReader {
  readonly format = "verl-steps" as const;
  readonly recordFormat = "verl" as const;
  readonly sizeBytes: number;
  private rows: { file: number; offset: number; length: number; line: number }[] = [];

  constructor(readonly files: { path: string; step: number }[], readonly reasons: string[]) {
    this.sizeBytes = files.reduce((a, f) => a + fs.statSync(f.path).size, 0);
  }

  private record(file: number, bytes: Buffer | null, line: number): Record<string, unknown> {
    const f = this.files[file]!;
    const where = `${path.basename(f.path)}:${line}`;
    if (!bytes) return { step: f.step, _problem: `${where}: record too large to parse` };
    try {
      const v: unknown = JSON.parse(bytes.toString("utf8"));
      if (typeof v !== "object" || v === null || Array.isArray(v)) return { step: f.step, _problem: `${where}: not a JSON object`, value: v };
      const o = v as Record<string, unknown>;
      if (typeof o.step !== "number") o.step = f.step;
      return o;
    } catch (e) {
      return { step: f.step, _problem: `${where}: malformed JSON (${(e as Error).message.slice(0, 120)})` };
    }
  }

  async *scan(signal?: AbortSignal): AsyncGenerator<ReaderBatch> {
    let before = 0;
    for (let i = 0; i < this.files.length; i++) {
      const f = this.files[i]!;
      for await (const b of scanJsonl(f.path, { maxRecordBytes: MAX_RECORD, signal })) {
        const records = b.records.map((r) => {
          this.rows.push({ file: i, offset: r.offset, length: r.length, line: r.line });
          return this.record(i, r.bytes, r.line);
        });
        yield { records, bytesDone: before + b.bytesDone };
      }
      before += fs.statSync(f.path).size;
    }
  }

  async read(row: number): Promise<Record<string, unknown>> {
    const r = this.rows[row];
    if (!r) throw new RangeError(`row ${row} does not exist`);
    const bytes = r.length > MAX_RECORD ? null : await readRange(this.files[r.file]!.path, r.offset, r.length);
    return this.record(r.file, bytes, r.line);
  }

  normalize(record: Record<string, unknown>, ctx: { row: number; line: number }) {
    return normalizeWithStep("verl", record, ctx);
  }

  close(): void {}
}
