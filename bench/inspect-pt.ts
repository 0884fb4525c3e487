// npm run bench:inspect (second part) — a ~500 MB slime rollout dump (.pt, torch.save) opened
// natively: time to the first page, full index time and peak RSS of the process that reads it.
// The reading runs in a child process, so its VmHWM (kernel high-water mark) covers the read alone.
// Env: BENCH_PT_MB (500), BENCH_PT_FILE (reuse a dump), BENCH_INSPECT_KEEP (1: keep the generated
// dump for the next run; by default it is deleted at the end). Needs PyTorch to write the dump.
// Ends with the goals table of `npm run bench:inspect` (both benches, see inspect-headline.ts).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Dataset } from "@/lib/data/dataset";
import { rowQuerySchema } from "@/lib/data/query";
import { makeDumpsScript, torchPython } from "@/lib/data/readers/testing/torch-python";
import { headlineFile, headlineTable, type JsonlHeadline, type PtHeadline } from "./inspect-headline";

const targetMb = Number(process.env.BENCH_PT_MB ?? 500);
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
const ms = (t: number) => `${t.toFixed(t < 10 ? 2 : 0)} ms`;

interface ChildResult {
  rows: number;
  firstPageMs: number;
  firstRows: number;
  fullMs: number;
  sampleP50Ms: number;
  sampleP95Ms: number;
  peakRss: number;
  rssBefore: number;
  groups: number;
  error: string | null;
  load: string;
}

function vmHwm(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"));
  if (!m) throw new Error("no VmHWM in /proc/self/status");
  return Number(m[1]) * 1024;
}

async function child(file: string): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  const load0 = os.loadavg()[0]!.toFixed(2);
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "inspect-pt-bench-"));
  const t0 = performance.now();
  const ds = new Dataset({
    id: "bench-pt", name: path.basename(file), source: path.basename(file), path: file, sizeBytes: fs.statSync(file).size,
    maxRecordBytes: 64 * 1048576, textCachePath: path.join(cache, "text.txt"), searchTimeoutMs: 120_000,
  });
  while (ds.store.length < 50 && ds.indexing) await new Promise((r) => setTimeout(r, 1));
  const page = await ds.view.page(rowQuerySchema.parse({}), 0, 50);
  const firstPageMs = performance.now() - t0;
  const loadIndex = os.loadavg()[0]!.toFixed(2);
  await ds.ready;
  const fullMs = performance.now() - t0;
  const lat: number[] = [];
  for (let k = 0; k < 40; k++) {
    const row = Math.floor(((k * 7919) % 1000) / 1000 * ds.store.length);
    const t = performance.now();
    await ds.sample(row);
    lat.push(performance.now() - t);
  }
  lat.sort((a, b) => a - b);
  const info = ds.info();
  const out: ChildResult = {
    rows: info.rows, firstPageMs, firstRows: page.rows.length, fullMs, sampleP50Ms: lat[20]!, sampleP95Ms: lat[38]!,
    peakRss: vmHwm(), rssBefore, groups: info.groups, error: info.error, load: `${load0} / ${loadIndex}`,
  };
  ds.close();
  fs.rmSync(cache, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function main(): Promise<void> {
  const file = process.env.BENCH_PT_FILE || path.join(os.tmpdir(), "rollout-playground-bench", `rollout-dump-${targetMb}mb.pt`);
  const generated = !process.env.BENCH_PT_FILE && !fs.existsSync(file);
  if (!fs.existsSync(file)) {
    const python = torchPython();
    if (!python) {
      console.log("inspect-pt: skipped (needs PyTorch to write the dump once: apt-get install python3-torch)");
      printHeadline(null);
      return;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pt-gen-"));
    process.stdout.write(`writing a ~${targetMb} MB rollout dump with torch.save into ${file} … `);
    const t0 = performance.now();
    const r = spawnSync(python, [makeDumpsScript, dir, `big:${targetMb}`], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.renameSync(path.join(dir, "big.pt"), file);
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } else console.log(`reusing ${file}`);
  const size = fs.statSync(file).size;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", __filename, "--child", file], {
    encoding: "utf8", maxBuffer: 16 << 20, cwd: path.resolve(__dirname, ".."),
  });
  if (generated && process.env.BENCH_INSPECT_KEEP !== "1") fs.rmSync(file, { force: true });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  const c = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as ChildResult;
  const ratio = c.peakRss / size;
  const table: [string, string][] = [
    ["dump", `${path.basename(file)}: ${mb(size)}, ${c.rows} samples, ${c.groups} groups${c.error ? `, ERROR ${c.error}` : ""}`],
    ["first page (50 rows) after open", `${ms(c.firstPageMs)} (goal < 3000 ms) ${c.firstPageMs < 3000 ? "ok" : "MISSED"}`],
    ["full index", `${ms(c.fullMs)} (${(size / 1048576 / (c.fullMs / 1000)).toFixed(0)} MiB/s)`],
    ["open a sample after index (p50 / p95 of 40)", `${ms(c.sampleP50Ms)} / ${ms(c.sampleP95Ms)}`],
    ["peak RSS of the reading process (VmHWM)", `${mb(c.peakRss)} = ${ratio.toFixed(2)}x the file (goal < 1.5x) ${ratio < 1.5 ? "ok" : "MISSED"}; ${mb(c.rssBefore)} at start`],
  ];
  const w = Math.max(...table.map(([k]) => k.length));
  console.log(`\n| ${"measure (.pt rollout dump)".padEnd(w)} | value`);
  console.log(`|${"-".repeat(w + 2)}|------`);
  for (const [k, v] of table) console.log(`| ${k.padEnd(w)} | ${v}`);
  console.log(`\n(${os.cpus().length} CPUs, node ${process.version}, load ${os.loadavg()[0]!.toFixed(2)})`);
  printHeadline({ sizeBytes: size, rows: c.rows, firstPageMs: c.firstPageMs, fullMs: c.fullMs, peakRss: c.peakRss, load: c.load });
}

/** The goals table of both benches (the JSONL figures come from bench/inspect.ts, run just before). */
function printHeadline(pt: PtHeadline | null): void {
  let jsonl: JsonlHeadline | null = null;
  try {
    jsonl = JSON.parse(fs.readFileSync(headlineFile, "utf8")) as JsonlHeadline;
    fs.rmSync(headlineFile, { force: true });
  } catch {
    /* bench/inspect.ts did not run first */
  }
  console.log(`\nInspect at disk speed (npm run bench:inspect):\n${headlineTable(jsonl, pt)}`);
}

const at = process.argv.indexOf("--child");
(at >= 0 ? child(process.argv[at + 1]!) : main()).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
