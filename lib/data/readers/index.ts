import "server-only";
import fs from "node:fs";
import path from "node:path";
import { PickleError, PickleRefused } from "./pt/pickle";
import { ZipError } from "./pt/zip";
import type { DumpKind } from "./slime-dump";
import { SlimeDumpReader, dumpFile, peekDumpKind, rolloutBeside, slimeFolder } from "./slime-dump";
import { sniffContainer } from "../scan";
import { dumpExtensions, type ContainerKind } from "../types";
import { jsonReader } from "./json";
import { parquetReader } from "./parquet";
import type { FileFormat, Reader, ReaderSource } from "./types";
import { ReaderError } from "./types";
import { VerlStepsReader, verlStepFiles } from "./verl-steps";

// Which reader opens a file or folder: one table keyed by container kind, exhaustive, so a new
// kind does not build until it has a reader here. containerOf decides the kind.

export type { FileFormat, IndexBatch, IndexedRecord, Reader, ReaderSource, RowRead, RowRef } from "./types";
export { fileFormats, fileFormatLabels, ReaderError } from "./types";
export { RowReader } from "./row-reader";

const readers: Record<ContainerKind, (src: ReaderSource, format: FileFormat) => Reader> = {
  jsonl: (src, format) => (format === "verl-steps" ? verlStepFile(src.path) : jsonReader(src, "jsonl")),
  json_array: (src) => jsonReader(src, "json_array"),
  parquet: parquetReader,
  pt: (src, format) => dumpReader(src.path, format),
  folder: (src, format) => folderReader(src.path, format),
};

/** A ReaderSource for a path (the CLI and tests; the Dataset builds its own from the upload). */
export function readerSource(p: string, opts: { format?: FileFormat; maxRecordBytes?: number } = {}): ReaderSource {
  let sizeBytes = 0;
  try {
    const st = fs.statSync(p);
    if (st.isFile()) sizeBytes = st.size;
  } catch {
    // openReader says what is wrong with the path
  }
  return { path: p, name: path.basename(p), sizeBytes, maxRecordBytes: opts.maxRecordBytes ?? 256 * 1024 * 1024, ...(opts.format ? { format: opts.format } : {}) };
}

/** The reader for a file or folder. Throws ReaderError (a sentence a person can act on). */
export async function openReader(src: ReaderSource): Promise<Reader> {
  const format = src.format ?? "auto";
  try {
    return readers[await containerOf(src)](src, format);
  } catch (e) {
    throw readerError(e, src.path);
  }
}

/**
 * A folder; a slime dump by --format, by extension, or (a file without a JSON or Parquet
 * extension) by its first bytes; else JSON Lines, a JSON array or Parquet by the name's
 * extension, then by the first bytes.
 */
export async function containerOf(src: ReaderSource): Promise<ContainerKind> {
  const format = src.format ?? "auto";
  if ((await fs.promises.stat(src.path)).isDirectory()) return "folder";
  if (format === "slime-rollout-dump" || format === "slime-train-dump") return "pt";
  if (format === "verl-steps") return "jsonl";
  const lower = src.path.toLowerCase();
  if (dumpExtensions.some((e) => lower.endsWith(e)) || (!/\.(jsonl|ndjson|json|parquet)$/.test(lower) && looksLikePickleOrZip(src.path))) return "pt";
  return containerFor(src.name) ?? (await sniffContainer(src.path));
}

function containerFor(name: string): "jsonl" | "parquet" | null {
  const lower = name.toLowerCase();
  if (lower.endsWith(".parquet")) return "parquet";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return "jsonl";
  return null;
}

function looksLikePickleOrZip(p: string): boolean {
  const fd = fs.openSync(p, "r");
  try {
    const b = Buffer.alloc(4);
    const n = fs.readSync(fd, b, 0, 4, 0);
    return (n === 4 && b.readUInt32LE(0) === 0x04034b50) || (n >= 2 && b[0] === 0x80 && b[1]! <= 5);
  } finally {
    fs.closeSync(fd);
  }
}

/** Turn reader failures into one error with a sentence a person can act on. */
export function readerError(e: unknown, file: string): ReaderError {
  const name = path.basename(file);
  if (e instanceof ReaderError) return e;
  if (e instanceof PickleRefused) return new ReaderError(`${name}: refused: ${e.message}`, "refused");
  if (e instanceof PickleError || e instanceof ZipError) return new ReaderError(`${name}: ${e.message}`, "malformed");
  if ((e as NodeJS.ErrnoException).code === "ENOENT") return new ReaderError(`${name}: no such file or folder`, "not_found");
  return new ReaderError(`${name}: ${(e as Error).message}`, "malformed");
}

/** A folder of verl step files or of slime dumps. */
function folderReader(p: string, format: FileFormat): Reader {
  const steps = verlStepFiles(p);
  if (format === "verl-steps" || (format === "auto" && steps.length)) {
    if (!steps.length) throw new ReaderError(`${path.basename(p)}: no {step}.jsonl files in this folder`, "not_found");
    return new VerlStepsReader(steps, [`${steps.length} verl step file(s) ({step}.jsonl), steps ${steps[0]!.step}–${steps.at(-1)!.step}`]);
  }
  const dumps = slimeFolder(p);
  if (!dumps) throw new ReaderError(`${path.basename(p)}: this folder holds no slime dumps (.pt) and no verl step files ({step}.jsonl)`, "not_found");
  const kind: DumpKind = format === "slime-train-dump" ? "train" : format === "slime-rollout-dump" ? "rollout" : dumps.kind;
  return new SlimeDumpReader(dumps.files, kind, dumps.reasons, dumps.joinPath, "folder");
}

/** One verl step file, read as such because --format said so. */
function verlStepFile(p: string): Reader {
  const m = /(\d+)\.jsonl$/.exec(path.basename(p));
  return new VerlStepsReader([{ path: p, step: m ? Number(m[1]) : 0 }], ["verl step file"], undefined, "jsonl");
}

/** One slime dump (rollout or train; a train dump joins the rollout dump beside it when there is one). */
function dumpReader(p: string, format: FileFormat): Reader {
  const kind: DumpKind = format === "slime-train-dump" ? "train" : format === "slime-rollout-dump" ? "rollout" : peekDumpKind(p);
  const f = dumpFile(p);
  const reasons = [kind === "train" ? "a slime train dump (format_version 2)" : `a slime ${f.eval ? "eval " : ""}rollout dump`];
  const beside = kind === "train" ? rolloutBeside(f) : null;
  if (beside && fs.existsSync(beside)) reasons.push(`text, rewards and status joined from ../rollout_data/${f.name}`);
  else if (kind === "train") reasons.push("no rollout dump beside it (../rollout_data/): token ids only, no text");
  return new SlimeDumpReader([f], kind, reasons, rolloutBeside);
}
