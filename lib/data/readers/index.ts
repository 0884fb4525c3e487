import "server-only";
import fs from "node:fs";
import path from "node:path";
import { PickleError, PickleRefused } from "./pt/pickle";
import { ZipError } from "./pt/zip";
import type { DumpKind } from "./slime-dump";
import { SlimeDumpReader, dumpFile, peekDumpKind, rolloutBeside, slimeFolder } from "./slime-dump";
import type { FileFormat, RecordReader } from "./types";
import { ReaderError } from "./types";
import { VerlStepsReader, verlStepFiles } from "./verl-steps";

export type { FileFormat, RecordReader } from "./types";
export { fileFormats, fileFormatLabels, ReaderError } from "./types";

import { dumpExtensions } from "../types";

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

/**
 * A reader for `p` (a .pt dump, a folder of dumps, a folder of verl step files), or null when
 * the Dataset's own JSON/Parquet scanning should handle it. Throws ReaderError.
 */
export function openReader(p: string, format: FileFormat = "auto"): RecordReader | null {
  try {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      const steps = verlStepFiles(p);
      if (format === "verl-steps" || (format === "auto" && steps.length)) {
        if (!steps.length) throw new ReaderError(`${path.basename(p)}: no {step}.jsonl files in this folder`, "not_found");
        return new VerlStepsReader(steps, [`${steps.length} verl step file(s) ({step}.jsonl), steps ${steps[0]!.step}–${steps.at(-1)!.step}`]);
      }
      const dumps = slimeFolder(p);
      if (!dumps) throw new ReaderError(`${path.basename(p)}: this folder holds no slime dumps (.pt) and no verl step files ({step}.jsonl)`, "not_found");
      const kind: DumpKind = format === "slime-train-dump" ? "train" : format === "slime-rollout-dump" ? "rollout" : dumps.kind;
      return new SlimeDumpReader(dumps.files, kind, dumps.reasons, dumps.joinPath);
    }
    const lower = p.toLowerCase();
    if (format === "verl-steps") {
      const m = /(\d+)\.jsonl$/.exec(path.basename(p));
      return new VerlStepsReader([{ path: p, step: m ? Number(m[1]) : 0 }], ["verl step file"]);
    }
    const isDump = format === "slime-rollout-dump" || format === "slime-train-dump" || dumpExtensions.some((e) => lower.endsWith(e)) || (!/\.(jsonl|ndjson|json|parquet)$/.test(lower) && looksLikePickleOrZip(p));
    if (!isDump) return null;
    const kind: DumpKind = format === "slime-train-dump" ? "train" : format === "slime-rollout-dump" ? "rollout" : peekDumpKind(p);
    const f = dumpFile(p);
    const reasons = [kind === "train" ? "a slime train dump (format_version 2)" : `a slime ${f.eval ? "eval " : ""}rollout dump`];
    const beside = kind === "train" ? rolloutBeside(f) : null;
    if (beside && fs.existsSync(beside)) reasons.push(`text, rewards and status joined from ../rollout_data/${f.name}`);
    else if (kind === "train") reasons.push("no rollout dump beside it (../rollout_data/): token ids only, no text");
    return new SlimeDumpReader([f], kind, reasons, rolloutBeside);
  } catch (e) {
    throw readerError(e, p);
  }
}
