// npm run bench:chat — what Chat adds on top of the model server.
//  1. Time to first token: a rollout started through the playground's rollout route (served over
//     real HTTP) until its first streamed `delta` event, against the same request sent straight to
//     the fake model server until its first SSE chunk. Interleaved, so both see the same load.
//  2. With BENCH_CHAT_DIST (a production build dir, e.g. .next-e2e): a 200-turn rollout watched in
//     Chromium; every new event must render in under 100 ms (long tasks and event-to-paint).
// Env: BENCH_CHAT_RUNS (40), BENCH_CHAT_TURNS (200), BENCH_CHAT_DIST, BENCH_CHAT_PORT (3390).
import fs from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { withPlaygroundInBrowser } from "./browser";
import { pct } from "./stats";

const RUNS = Number(process.env.BENCH_CHAT_RUNS ?? 40);
const TURNS = Number(process.env.BENCH_CHAT_TURNS ?? 200);
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "rp-bench-chat-"));
process.env.PLAYGROUND_STATE_DIR = stateDir;

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");
const f1 = (n: number) => n.toFixed(1);

/** The rollout route behind a plain node HTTP server: real sockets, the playground's own handler. */
async function serveRolloutRoute(): Promise<{ url: string; server: Server }> {
  const { POST } = await import("@/app/api/rollouts/route");
  const server = createServer((req: IncomingMessage, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const ctrl = new AbortController();
      res.on("close", () => ctrl.abort());
      const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks), signal: ctrl.signal });
      const response = await POST(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (!response.body) return res.end();
      Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).pipe(res);
    })().catch((e: unknown) => {
      res.statusCode = 500;
      res.end(String(e));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** ms from the request to the first line matching `first`, then reads the stream to its end. */
async function timeToFirst(url: string, body: unknown, first: (line: string) => boolean): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok || !res.body) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  let at: number | null = null;
  let buf = "";
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (at === null && first(line)) at = performance.now() - t0;
    }
  }
  if (at === null) throw new Error(`${url}: the stream ended without a first token`);
  return at;
}

async function ttft(): Promise<string[][]> {
  const { startFakeModelServer } = await import("@/e2e/fixtures/fake-model-server");
  const { createChatSession, initialSettings } = await import("@/lib/rollout/chat-session-store");
  const fake = await startFakeModelServer({ chunkDelayMs: 1 });
  const route = await serveRolloutRoute();
  const modelUrl = `${fake.url}/script/retool`;
  const settings = {
    ...initialSettings(),
    prompt: "What is 6 times 7?",
    label: "42",
    endpoint: { kind: "openai-chat" as const, url: modelUrl, model: "fake-retool-model", timeout_s: 60 },
    max_turns: 1,
    reward_type: "none" as const,
  };
  const through: number[] = [];
  const straight: number[] = [];
  const direct = {
    model: "fake-retool-model",
    stream: true,
    messages: [
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: settings.prompt },
    ],
  };
  try {
    for (let i = 0; i < RUNS + 3; i++) {
      const session = await createChatSession(settings);
      const a = await timeToFirst(`${route.url}/api/rollouts`, { session_id: session.id, settings }, (l) => l.includes('"type":"delta"'));
      const b = await timeToFirst(`${modelUrl}/v1/chat/completions`, direct, (l) => l.startsWith("data: {"));
      // The first three warm caches (tokenizer, template, connections).
      if (i >= 3) {
        through.push(a);
        straight.push(b);
      }
    }
  } finally {
    route.server.close();
    await fake.close();
  }
  const overhead = through.map((t, i) => t - straight[i]!);
  return [
    ["through the playground (POST /api/rollouts → first delta)", f1(pct(through, 50)), f1(pct(through, 95)), ""],
    ["straight to the model server (first SSE chunk)", f1(pct(straight, 50)), f1(pct(straight, 95)), ""],
    ["playground overhead (paired difference)", f1(pct(overhead, 50)), f1(pct(overhead, 95)), pct(overhead, 50) < 10 ? "met (< 10 ms)" : "MISSED (goal < 10 ms)"],
  ];
}

/** A 200-turn rollout rendered live in Chromium: long tasks and per-event render time. */
async function longTranscript(dist: string): Promise<string[][]> {
  const { startFakeModelServer } = await import("@/e2e/fixtures/fake-model-server");
  const { createChatSession, initialSettings } = await import("@/lib/rollout/chat-session-store");
  const fake = await startFakeModelServer({ chunkDelayMs: 0 });
  const port = Number(process.env.BENCH_CHAT_PORT ?? 3390);
  try {
    return await withPlaygroundInBrowser({ dist, port, env: { PLAYGROUND_STATE_DIR: stateDir } }, async ({ base, browser }) => {
      const settings = {
        ...initialSettings(),
        prompt: "Keep calling the tool.",
        label: "1",
        endpoint: { kind: "openai-chat" as const, url: `${fake.url}/script/loop`, model: "fake-retool-model", timeout_s: 60 },
        max_turns: TURNS,
        max_tool_calls: TURNS,
        max_context_len: 10_000_000,
        reward_type: "none" as const,
      };
      const session = await createChatSession(settings);
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(`${base}/chat?session=${session.id}`);
      await page.getByTestId("run-button").waitFor();
      // Long tasks (main thread blocked > 50 ms) and, per DOM change, the time to the next frame.
      await page.evaluate(() => {
        const w = window as unknown as { __long: number[]; __frames: number[] };
        w.__long = [];
        w.__frames = [];
        new PerformanceObserver((l) => l.getEntries().forEach((e) => w.__long.push(e.duration))).observe({ type: "longtask", buffered: false });
        let pending: number | null = null;
        new MutationObserver(() => {
          if (pending !== null) return;
          const t = performance.now();
          pending = t;
          requestAnimationFrame(() => {
            w.__frames.push(performance.now() - t);
            pending = null;
          });
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const t0 = performance.now();
    await page.getByTestId("run-button").click();
    await page.getByTestId("run-status").filter({ hasText: /truncated|completed|aborted/i }).first().waitFor({ timeout: 600_000 });
    const wall = performance.now() - t0;
    const { long, frames } = await page.evaluate(() => {
      const w = window as unknown as { __long: number[]; __frames: number[] };
      return { long: w.__long, frames: w.__frames };
    });
    const turns = await page.locator('[data-testid="turn"]').count();
    return [
      [`${TURNS}-turn rollout watched live (${turns} turns rendered, ${(wall / 1000).toFixed(1)} s)`, "", "", ""],
      ["DOM change → next frame (per event)", f1(pct(frames, 50)), f1(pct(frames, 95)), pct(frames, 95) < 100 ? "met (< 100 ms)" : "MISSED (goal < 100 ms)"],
      ["long tasks > 100 ms during the run", String(long.filter((d) => d > 100).length), f1(long.length ? Math.max(...long) : 0), "count / longest ms"],
    ];
    });
  } finally {
    await fake.close();
  }
}

async function main(): Promise<void> {
  console.log(`${os.cpus().length} CPUs, node ${process.version}; load ${load()}; ${RUNS} paired runs\n`);
  const rows = await ttft();
  const loadAfter = load();
  const dist = process.env.BENCH_CHAT_DIST;
  if (dist && fs.existsSync(dist)) rows.push(...(await longTranscript(dist)));
  else rows.push(["(200-turn browser check skipped: set BENCH_CHAT_DIST to a production build dir)", "", "", ""]);
  const header = ["chat", "p50 ms", "p95 ms", "goal"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ") + " |";
  console.log(line(header));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(line(r));
  console.log(`\nload average after TTFT: ${loadAfter}; at the end: ${load()}`);
}

main().then(
  () => {
    fs.rmSync(stateDir, { recursive: true, force: true });
    process.exit(0);
  },
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
