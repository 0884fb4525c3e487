import { detectFormat, normalizeRecord } from "@/lib/data/normalize";
import { scanParquet } from "@/lib/data/readers/parquet";
import { fileFormats, openReader, readerError, readerSource, RowReader } from "@/lib/data/readers";
import type { FileFormat } from "@/lib/data/readers";
import { scanJsonArray, scanJsonl, sniffContainer } from "@/lib/data/scan";
import type { DatasetFormat, NormalizedSample } from "@/lib/data/types";
import { datasetFormats, rowFlags } from "@/lib/data/types";
import type { CliCommand } from "../types";

// read FILE: every sample of a dataset file or folder as one JSON line, in the normalized shape
// Inspect uses (token arrays and per-token train values included). Reads slime .pt dumps
// natively, folders of dumps or verl {step}.jsonl files, and JSON Lines / JSON / Parquet.

const formats = [...fileFormats, ...datasetFormats] as const;
const usage = `usage: read FILE [--format ${formats.join("|")}] [--limit N]`;

async function write(line: string): Promise<void> {
  if (!process.stdout.write(line)) await new Promise<void>((r) => process.stdout.once("drain", () => r()));
}
function emit(s: NormalizedSample): Promise<void> {
  return write(`${JSON.stringify(s)}\n`);
}

async function readText(file: string, format: DatasetFormat | undefined, limit: number): Promise<void> {
  const container = file.toLowerCase().endsWith(".parquet") ? "parquet" : await sniffContainer(file);
  let decided: DatasetFormat | undefined = format;
  let pending: { value: unknown; row: number; line: number; problem?: string }[] = [];
  let row = 0;
  const flush = async (force: boolean): Promise<void> => {
    if (!decided && !force && pending.length < 50) return;
    decided ??= detectFormat(pending.filter((p) => !p.problem).map((p) => p.value)).format;
    for (const p of pending) {
      const s = normalizeRecord(decided, p.problem ? {} : p.value, { row: p.row, line: p.line });
      if (p.problem) {
        s.problems.unshift({ line: p.line, row: p.row, kind: "malformed_json", message: p.problem });
        s.flags |= rowFlags.malformed;
      }
      await emit(s);
    }
    pending = [];
  };
  const add = async (value: unknown, line: number, problem?: string): Promise<boolean> => {
    if (row >= limit) return false;
    pending.push({ value, row: row++, line, problem });
    await flush(false);
    return true;
  };
  if (container === "parquet") {
    for await (const b of scanParquet(file)) for (let k = 0; k < b.rows.length; k++) if (!(await add(b.rows[k], b.start + k + 1))) return flush(true);
    return flush(true);
  }
  const scan = container === "json_array" ? scanJsonArray : scanJsonl;
  for await (const b of scan(file, { maxRecordBytes: 256 * 1024 * 1024 })) {
    for (const r of b.records) {
      let value: unknown;
      let problem: string | undefined;
      try {
        value = r.bytes ? JSON.parse(r.bytes.toString("utf8")) : undefined;
        if (!r.bytes) problem = "record too large to parse";
      } catch (e) {
        problem = `malformed JSON: ${(e as Error).message.slice(0, 200)}`;
      }
      if (!(await add(value, r.line, problem))) return flush(true);
    }
  }
  await flush(true);
}

export const readCommand: CliCommand = {
  positionals: true,
  options: { format: { type: "string", default: "auto" }, limit: { type: "string" } },
  async run(values, positionals = []) {
    const file = positionals[0];
    const format = String(values.format ?? "auto");
    const limit = values.limit === undefined ? Infinity : Number(values.limit);
    if (!file || positionals.length > 1 || !(formats as readonly string[]).includes(format) || !(limit >= 0)) {
      process.stderr.write(`${usage}\n`);
      return 2;
    }
    let reader;
    try {
      reader = await openReader(readerSource(file, { format: (fileFormats as readonly string[]).includes(format) ? (format as FileFormat) : "auto" }));
    } catch (e) {
      process.stderr.write(`read: ${readerError(e, file).message}\n`);
      return 1;
    }
    // JSON Lines, JSON and Parquet are read as text here (the CLI detects the record format itself).
    if (!(reader instanceof RowReader)) {
      reader.close?.();
      await readText(file, (datasetFormats as readonly string[]).includes(format) ? (format as DatasetFormat) : undefined, limit);
      return 0;
    }
    let row = 0;
    try {
      outer: for await (const batch of reader.scan()) {
        for (const rec of batch.records) {
          if (row >= limit) break outer;
          await emit(reader.normalizeRow(rec, { row, line: row + 1 }));
          row++;
        }
      }
    } catch (e) {
      process.stderr.write(`read: ${readerError(e, file).message} (after ${row} samples)\n`);
      return 1;
    } finally {
      reader.close();
    }
    process.stderr.write(`read: ${row} samples (${reader.reasons.join("; ")})\n`);
    return 0;
  },
};
