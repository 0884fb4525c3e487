// npm run bench:traffic-open — Traffic's "Open in Editor" as a person sees it in Chromium: from the
// click to (a) the Editor's page loaded, (b) the call's code on screen (as text while Monaco loads)
// and (c) the code editor ready, for a call without stdin and one with stdin (written into the
// session as stdin.txt), and whether the Traffic page stayed live. Each open in a fresh browser
// (nothing cached: the first open of the day), and then again in one browser (a person opening
// one call after another).
// Env: BENCH_BASE (use a running server, e.g. http://127.0.0.1:3700) or BENCH_DIST (a production
// build, default .next; a server is started on BENCH_PORT, default 3163); BENCH_REPS (5).
import os from "node:os";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { pct } from "./stats";

const REPS = Number(process.env.BENCH_REPS ?? 5);

async function call(base: string, payload: object): Promise<void> {
  const r = await fetch(`${base}/sandbox-fusion/run_code`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
  if (!r.ok) throw new Error(`run_code answered ${r.status}`);
}

interface Sample {
  loadedMs: number;
  codeMs: number;
  readyMs: number;
  stayed: boolean;
}

async function once(browser: Browser, base: string, withStdin: boolean, shared?: BrowserContext): Promise<Sample> {
  const tag = `bench${Math.random().toString(36).slice(2, 10)}`;
  await call(base, withStdin ? { code: `import sys\nprint("${tag}", sys.stdin.read())`, stdin: "abc" } : { code: `print("${tag}")` });
  const ctx = shared ?? (await browser.newContext({ viewport: { width: 1440, height: 900 } }));
  try {
    const page = await ctx.newPage();
    await page.goto(`${base}/traffic?q=${tag}`);
    await page.getByTestId("traffic-row").first().click();
    const button = page.getByTestId("open-in-editor");
    await button.waitFor();
    const trafficUrl = page.url();
    const t0 = performance.now();
    // Either a new tab or this one navigates: whichever shows the Editor.
    const editor = await Promise.race([
      ctx.waitForEvent("page").then(async (p) => (await p.waitForURL(/\/editor\?/, { waitUntil: "domcontentloaded" }), p)),
      page.waitForURL(/\/editor\?/, { waitUntil: "domcontentloaded" }).then(() => page),
      button.click().then(() => new Promise<Page>(() => {})),
    ]);
    const loadedMs = performance.now() - t0;
    // The code as text (placeholder while Monaco loads) or in Monaco: whichever shows it first.
    // (With stdin the buffer is the shell line that runs main.py < stdin.txt.)
    await editor.locator('[data-testid="code-editor"]').filter({ hasText: withStdin ? "stdin.txt" : tag }).first().waitFor({ timeout: 60_000 });
    const codeMs = performance.now() - t0;
    await editor.locator('[data-testid="code-editor"][data-monaco-ready="true"]').waitFor({ timeout: 60_000 });
    const readyMs = performance.now() - t0;
    const stayed = editor !== page && page.url() === trafficUrl && (await page.getByTestId("traffic-row").count()) > 0;
    if (shared) {
      if (editor !== page) await editor.close();
      await page.close();
    }
    return { loadedMs, codeMs, readyMs, stayed };
  } finally {
    if (!shared) await ctx.close();
  }
}

async function bench(browser: Browser, base: string) {
  // One warm-up (first compile of the Editor's chunks, the first sandbox).
  await once(browser, base, false);
  const rows: string[][] = [["Open in Editor", "n", "page loaded p50", "p95", "code shown p50", "p95", "editor ready p50", "p95", "Traffic stays live", "load (1 min)"]];
  for (const browserKind of ["fresh browser", "same browser"] as const) {
    const shared = browserKind === "same browser" ? await browser.newContext({ viewport: { width: 1440, height: 900 } }) : undefined;
    if (shared) await once(browser, base, false, shared);
    for (const withStdin of [false, true]) {
      const s: Sample[] = [];
      const load = os.loadavg()[0]!.toFixed(2);
      for (let i = 0; i < REPS; i++) s.push(await once(browser, base, withStdin, shared));
      const ms = (xs: number[], p: number) => `${pct(xs, p).toFixed(0)} ms`;
      const col = (k: keyof Omit<Sample, "stayed">) => [ms(s.map((x) => x[k]), 50), ms(s.map((x) => x[k]), 95)];
      rows.push([
        `${browserKind}, call ${withStdin ? "with" : "without"} stdin`,
        String(s.length),
        ...col("loadedMs"),
        ...col("codeMs"),
        ...col("readyMs"),
        s.every((x) => x.stayed) ? "yes (new tab)" : s.some((x) => x.stayed) ? "sometimes" : "no (left the page)",
        load,
      ]);
    }
    await shared?.close();
  }
  const width = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((v, c) => v.padEnd(width[c]!)).join("  "));
}

async function main() {
  const base = process.env.BENCH_BASE;
  if (base) {
    const { chromium } = await import("@playwright/test");
    const browser = await chromium.launch({ executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
    try {
      await bench(browser, base);
    } finally {
      await browser.close();
    }
    return;
  }
  const { withPlaygroundInBrowser } = await import("./browser");
  await withPlaygroundInBrowser({ dist: process.env.BENCH_DIST ?? ".next", port: Number(process.env.BENCH_PORT ?? 3163), env: { PLAYGROUND_TRAFFIC_LOG: "memory" } }, ({ base: b, browser }) => bench(browser, b));
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
