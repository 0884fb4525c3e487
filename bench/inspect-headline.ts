// The headline figures of `npm run bench:inspect`: bench/inspect.ts (1 GB JSON Lines) writes its
// own, bench/inspect-pt.ts (500 MB .pt) prints them with its own in one table of goals.
import os from "node:os";
import path from "node:path";

export const headlineFile = path.join(os.tmpdir(), "rollout-playground-bench", "inspect-headline.json");

export interface JsonlHeadline {
  sizeBytes: number;
  rows: number;
  /** The byte scan (every row found), when the file took the lazy index. */
  scanMs: number | null;
  /** Open → every row summarized (what filters need). */
  indexMs: number;
  firstPageMs: number;
  /** VmHWM of the process (the summarize threads included) during the index. */
  peakRss: number;
  rssBefore: number;
  /** 1-minute load average before / during the index. */
  load: string;
}

export interface PtHeadline {
  sizeBytes: number;
  rows: number;
  firstPageMs: number;
  fullMs: number;
  peakRss: number;
  load: string;
}

const mib = (b: number) => b / 1048576;
const rate = (bytes: number, ms: number) => `${(mib(bytes) / (ms / 1000)).toFixed(0)} MiB/s`;

/** The goals table: MiB/s and peak RSS for the JSONL scan and summaries, the .pt index and first page. */
export function headlineTable(j: JsonlHeadline | null, p: PtHeadline | null): string {
  const rows: string[][] = [["measure", "time", "MiB/s", "peak RSS", "goal", "load (1 min)"]];
  const rss = (peak: number, size: number) => `${mib(peak).toFixed(0)} MiB (${(peak / size).toFixed(2)}x the file)`;
  if (j) {
    const f = `${mib(j.sizeBytes).toFixed(0)} MiB JSONL, ${j.rows} rows`;
    if (j.scanMs !== null) rows.push([`byte scan, every row found (${f})`, `${j.scanMs.toFixed(0)} ms`, rate(j.sizeBytes, j.scanMs), rss(j.peakRss, j.sizeBytes), "", j.load]);
    rows.push([`summaries for filters = full index (${f})`, `${j.indexMs.toFixed(0)} ms`, rate(j.sizeBytes, j.indexMs), rss(j.peakRss, j.sizeBytes), ">= 500 MiB/s, RSS ~281 MiB", j.load]);
    rows.push(["JSONL first page (100 rows)", `${j.firstPageMs.toFixed(0)} ms`, "", "", "", j.load]);
  } else rows.push(["(JSONL: no figures from bench/inspect.ts)", "", "", "", "", ""]);
  if (p) {
    const f = `${mib(p.sizeBytes).toFixed(0)} MiB .pt, ${p.rows} samples`;
    rows.push([`.pt full index (${f})`, `${p.fullMs.toFixed(0)} ms`, rate(p.sizeBytes, p.fullMs), rss(p.peakRss, p.sizeBytes), ">= 300 MiB/s, RSS <= 0.64x", p.load]);
    rows.push([".pt first page (50 rows)", `${p.firstPageMs.toFixed(0)} ms`, "", "", "~136 ms", p.load]);
  } else rows.push(["(.pt: skipped, needs PyTorch to write the dump)", "", "", "", "", ""]);
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((x, c) => x.padEnd(w[c]!)).join(" | ")} |`;
  return [line(rows[0]!), `|${w.map((n) => "-".repeat(n + 2)).join("|")}|`, ...rows.slice(1).map(line)].join("\n") + `\n(${os.cpus().length} CPUs, node ${process.version})`;
}
