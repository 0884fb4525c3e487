// npm run bench:inspect — index a ~1 GB / 100k-sample slime JSONL and time what a person
// waits for: the first page, the full index, filters, searches and opening a sample.
// With BENCH_INSPECT_DIST (a production build dir, e.g. .next-e2e) it also opens and uploads the
// file in Chromium and times the first rows on screen.
// Env: BENCH_INSPECT_ROWS (100000), BENCH_INSPECT_BYTES_PER_ROW (10500), BENCH_INSPECT_FILE,
// BENCH_INSPECT_DIST, BENCH_INSPECT_PORT (3391), BENCH_INSPECT_KEEP (1: keep the generated file for
// the next run; by default it is deleted at the end). Its headline figures go to a small JSON file
// that bench/inspect-pt.ts (run next by `npm run bench:inspect`) prints in the goals table.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import vm from "node:vm";
import { Dataset } from "@/lib/data/dataset";
import { rowQuerySchema } from "@/lib/data/query";
import { writeBigJsonl } from "@/lib/data/testing/fixtures";
import { withPlaygroundInBrowser } from "./browser";
import { headlineFile, type JsonlHeadline } from "./inspect-headline";

const rows = Number(process.env.BENCH_INSPECT_ROWS ?? 100_000);
const perRow = Number(process.env.BENCH_INSPECT_BYTES_PER_ROW ?? 10_500);
const file = process.env.BENCH_INSPECT_FILE ?? path.join(os.tmpdir(), "rollout-playground-bench", `inspect-${rows}x${perRow}.jsonl`);

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
const ms = (t: number) => `${t.toFixed(t < 10 ? 2 : 0)} ms`;

async function main(): Promise<void> {
  const generated = !process.env.BENCH_INSPECT_FILE && !fs.existsSync(file);
  if (!fs.existsSync(file)) {
    process.stdout.write(`generating ${rows} samples into ${file} … `);
    const t0 = performance.now();
    await writeBigJsonl(file, rows, perRow);
    console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } else console.log(`reusing ${file}`);
  const size = fs.statSync(file).size;

  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  gc();
  const mem0 = process.memoryUsage();
  const rss0 = mem0.rss;
  // The kernel's high-water mark covers every thread (the summarize workers too) and every moment,
  // however busy the event loop is. Reset it so it measures the index alone.
  resetPeakRss();
  let sampled = rss0;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage().rss);
  }, 20);
  const load0 = loadavg();

  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "inspect-bench-"));
  const t0 = performance.now();
  const ds = new Dataset({
    id: "bench", name: path.basename(file), source: path.basename(file), path: file, sizeBytes: size,
    maxRecordBytes: 64 * 1048576, textCachePath: path.join(cache, "text.txt"), searchTimeoutMs: 120_000,
  });
  const q = (o: Record<string, unknown> = {}) => rowQuerySchema.parse(o);
  // First page: the list shows rows while indexing continues.
  while (ds.store.length < 100 && ds.indexing) await new Promise((r) => setTimeout(r, 1));
  const first = await ds.view.page(q(), 0, 100);
  const tFirst = performance.now() - t0;
  const loadIndex = loadavg();
  // Sample open while indexing is still running.
  const tS0 = performance.now();
  await ds.sample(50);
  const tSampleDuringIndex = performance.now() - tS0;
  await ds.ready;
  const tIndex = performance.now() - t0;
  clearInterval(sampler);
  const peak = peakRss() ?? Math.max(sampled, process.memoryUsage().rss);
  const info = ds.info();
  gc();
  const mem1 = process.memoryUsage();
  const retained = mem1.heapUsed + mem1.external + mem1.arrayBuffers - (mem0.heapUsed + mem0.external + mem0.arrayBuffers);

  const table: [string, string][] = [
    ["file", `${mb(size)}, ${info.rows} rows, format ${info.format}`],
    ["load average before / during index (1 min)", `${load0} / ${loadIndex}`],
    ["first page (100 rows) after open", ms(tFirst) + ` (${first.rows.length} rows shown)`],
    ["open a sample while indexing", ms(tSampleDuringIndex)],
    ...(ds.scanMs !== null
      ? ([["index: byte scan, every row found (no parse)", `${ms(ds.scanMs)} (${(size / 1048576 / (ds.scanMs / 1000)).toFixed(0)} MiB/s, ${ds.rowsScanned} rows)`]] as [string, string][])
      : []),
    ["full index incl. summaries for filters", `${ms(tIndex)} (${(size / 1048576 / (tIndex / 1000)).toFixed(0)} MiB/s)`],
    ["peak RSS during index (VmHWM, all threads)", `${mb(peak)} (${mb(peak - rss0)} above the ${mb(rss0)} before)`],
    ["retained after index (heap + buffers, after GC)", mb(retained)],
    ["row summary store", mb(ds.store.bytes())],
    ["text cache (search side file)", mb(fs.statSync(path.join(cache, "text.txt")).size)],
  ];

  const filters: [string, Record<string, unknown>][] = [
    ["status=truncated", { status: "truncated" }],
    ["reward in [0.5, 1]", { rmin: 0.5, rmax: 1 }],
    ["tool calls >= 3", { tcmin: 3 }],
    ["has error", { err: true }],
    ["sort reward desc", { sort: "reward", desc: true }],
    ["sort response length", { sort: "response_length" }],
    ["status + reward + sort tool calls", { status: "completed", rmin: 0, sort: "tool_calls", desc: true }],
    ["text 'Problem 4242:' (cold)", { q: "Problem 4242:" }],
    ["text 'Problem 4242:' (cached)", { q: "Problem 4242:" }],
    ["text 'PRODUCT SQUARE' (case-insens.)", { q: "PRODUCT SQUARE" }],
    ["regex boxed\\{1\\d{3}\\}", { q: "boxed\\{1\\d{3}\\}", re: true }],
    ["regex ^Step 3: .*prime", { q: "Step 3: [^\\n]*prime", re: true }],
    ["regex + status filter (cached regex)", { q: "Step 3: [^\\n]*prime", re: true, status: "aborted" }],
  ];
  for (const [name, f] of filters) {
    const t = performance.now();
    const page = await ds.view.page(q(f), 0, 100);
    table.push([`filter: ${name}`, `${ms(performance.now() - t)} → ${page.matched} rows${page.error ? ` ERROR ${page.error}` : ""}`]);
  }
  const lat: number[] = [];
  for (let k = 0; k < 100; k++) {
    const row = Math.floor((k * 7919) % info.rows);
    const t = performance.now();
    await ds.sample(row);
    lat.push(performance.now() - t);
  }
  lat.sort((a, b) => a - b);
  table.push(["open a sample (p50 / p95 of 100)", `${ms(lat[50]!)} / ${ms(lat[95]!)}`]);
  const t = performance.now();
  await ds.view.group(4242);
  table.push(["group view (8 samples)", ms(performance.now() - t)]);

  const nRescore = Math.min(5000, info.rows);
  const rescore = async (): Promise<{ ms: number; disagreements: number }> => {
    const tR = performance.now();
    let disagreements = 0;
    await ds.jobs.rescore(Array.from({ length: nRescore }, (_, i) => i), {
      rewardType: "retool",
      signal: new AbortController().signal,
      emit: (e) => {
        if (e.type === "done") disagreements = e.disagreements;
      },
    });
    return { ms: performance.now() - tR, disagreements };
  };
  const workers = await rescore();
  // The single-thread path, as before worker threads: the dataset offers no file for workers.
  const jsonSource = ds.jsonSource.bind(ds);
  ds.jsonSource = () => null;
  const single = await rescore();
  ds.jsonSource = jsonSource;
  const rate = (r: { ms: number }) => (nRescore / r.ms) * 1000;
  table.push([`re-score ${nRescore} rows (retool), worker threads`, `${ms(workers.ms)} (${rate(workers).toFixed(0)} rows/s, ${workers.disagreements} disagree)`]);
  table.push([`re-score ${nRescore} rows (retool), server thread only`, `${ms(single.ms)} (${rate(single).toFixed(0)} rows/s); workers ${(rate(workers) / rate(single)).toFixed(2)}x (goal >= 1.8x)`]);
  table.push(["load average after (1 / 5 / 15 min)", os.loadavg().map((l) => l.toFixed(2)).join(" / ")]);
  const dist = process.env.BENCH_INSPECT_DIST;
  if (dist && fs.existsSync(dist)) table.push(...(await inBrowser(dist, size)));
  else table.push(["(browser: set BENCH_INSPECT_DIST to a production build dir)", ""]);

  const w = Math.max(...table.map(([k]) => k.length));
  console.log(`\n| ${"measure".padEnd(w)} | value`);
  console.log(`|${"-".repeat(w + 2)}|------`);
  for (const [k, v] of table) console.log(`| ${k.padEnd(w)} | ${v}`);
  console.log(`\n(${os.cpus().length} CPUs, node ${process.version})`);
  fs.rmSync(cache, { recursive: true, force: true });
  const headline: JsonlHeadline = {
    sizeBytes: size, rows: info.rows, scanMs: ds.scanMs, indexMs: tIndex, firstPageMs: tFirst, peakRss: peak, rssBefore: rss0, load: `${load0} / ${loadIndex}`,
  };
  fs.mkdirSync(path.dirname(headlineFile), { recursive: true });
  fs.writeFileSync(headlineFile, JSON.stringify(headline));
  if (generated && process.env.BENCH_INSPECT_KEEP !== "1") fs.rmSync(file, { force: true });
}

/**
 * What a person sees in Chromium: opening the file from the data dir (navigation start → first
 * row painted) on a server that has not indexed it before, and uploading it through the file picker
 * (upload finished → first row painted). Each page records the moments in its own clock.
 */
async function inBrowser(dist: string, size: number): Promise<[string, string][]> {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "inspect-bench-browser-"));
  const env = { PLAYGROUND_DATA_DIR: path.dirname(file), PLAYGROUND_INSPECT_CACHE_DIR: cache, PLAYGROUND_STATE_DIR: cache };
  const port = Number(process.env.BENCH_INSPECT_PORT ?? 3391);
  try {
    return await withPlaygroundInBrowser({ dist, port, env }, async ({ base, browser }) => {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      // Marks, in page time: the first row in the list, the scan's row count in the header, the end.
      // A string, not a function: tsx would wrap named functions in a helper the page lacks.
      await page.addInitScript(`(() => {
        window.__marks = {};
        const mark = (k) => (window.__marks[k] ??= performance.now());
        new MutationObserver(() => {
          if (document.querySelector('[data-testid="sample-row-0"]')) mark("row");
          if (/ of [\\d,]+ rows listed/.test(document.querySelector('[data-testid="dataset-rows"]')?.textContent ?? "")) mark("count");
          if (document.querySelector('[data-testid="indexed"]')) mark("indexed");
        }).observe(document, { subtree: true, childList: true, characterData: true });
      })();`);
      const marks = () => page.evaluate(() => (window as unknown as { __marks: Record<string, number> }).__marks);
      const load0 = loadavg();
      // The first page a just-started server renders loads its modules; a person opens Inspect
      // before picking a file, so that page load is timed on its own.
      const tCold = performance.now();
      await page.goto(`${base}/inspect`);
      await page.getByTestId("upload-input").waitFor({ state: "attached" });
      const coldMs = performance.now() - tCold;
      await page.goto(`${base}/inspect?file=${encodeURIComponent(path.basename(file))}`);
      await page.getByTestId("sample-row-0").waitFor({ timeout: 120_000 });
      const open = await marks();
      await page.getByTestId("indexed").waitFor({ timeout: 600_000 });
      const openDone = await marks();

      await page.goto(`${base}/inspect`);
      const finished = page.waitForResponse((r) => r.request().method() === "POST" && /\/api\/datasets\/upload\/[0-9a-f]{16}$/.test(r.url()), { timeout: 600_000 });
      const tUp = performance.now();
      await page.getByTestId("upload-input").setInputFiles(file);
      await finished;
      const upMs = performance.now() - tUp;
      await page.getByTestId("sample-row-0").waitFor({ timeout: 120_000 });
      const up = await marks();
      // The finishing POST (chunks carry ?offset=), in page time.
      const atFinish = await page.evaluate(() =>
        Math.max(...performance.getEntriesByType("resource").filter((e) => /\/api\/datasets\/upload\/[0-9a-f]{16}$/.test(e.name)).map((e) => (e as PerformanceResourceTiming).responseEnd)),
      );
      const row = (v: number | undefined) => (v === undefined ? "not seen" : ms(v));
      return [
        ["browser: load average before", load0],
        ["browser: the server's first page (Inspect, no file)", ms(coldMs)],
        ["browser: open → first row painted (from navigation start)", `${row(open.row)} (goal < 1 s)`],
        ["browser: open → row count from the scan in the header", openDone.count === undefined ? "not seen (index finished first)" : ms(openDone.count)],
        ["browser: open → index complete", row(openDone.indexed)],
        ["browser: upload through the file picker", `${ms(upMs)} (${(size / 1048576 / (upMs / 1000)).toFixed(0)} MiB/s)`],
        ["browser: upload finished → first row painted", `${up.row === undefined || !Number.isFinite(atFinish) ? "not seen" : ms(up.row - atFinish)} (goal < 1 s)`],
      ];
    });
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

function loadavg(): string {
  return os.loadavg()[0]!.toFixed(2);
}

function resetPeakRss(): void {
  try {
    fs.writeFileSync("/proc/self/clear_refs", "5");
  } catch {
    /* not Linux, or not allowed: peakRss() then reports the process's lifetime peak */
  }
}

/** The process's peak resident set (VmHWM), in bytes; null where /proc is unavailable. */
function peakRss(): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

void main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
