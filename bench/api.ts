// npm run bench:api — SandboxFusion run_code (Python hello world) over HTTP vs calling the backend
// directly, at concurrency 1, 16, 64, 256, on the local and Docker backends, in one run; then a
// mixed load (100 cases, 4 of them 15 s timeouts).
// HTTP = a real HTTP server in front of the route handlers (BENCH_API_SERVER=inproc, default) or the
// production server `next start` on the build in NEXT_DIST_DIR (BENCH_API_SERVER=next).
// Direct = backend.create() + the multi_code_executor tool + close, no HTTP, no queue.
// Then, on Docker, compile steps per language: the first compile of a program and a warm one (the
// same program again with other stdin, as verl sends one request per test case), p50 of each.
// Env: BENCH_API_BACKENDS (default: local, plus docker when available), BENCH_API_MIN_REQUESTS
// (per cell, default 32), PLAYGROUND_API_CONCURRENCY_* (the queue), PLAYGROUND_DOCKER_POOL_SIZE,
// BENCH_API_SECTIONS (default "load,compile"), BENCH_API_COMPILE_RUNS (per language, default 3).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pct } from "./stats";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-bench-api-"));
process.env.PLAYGROUND_STATE_DIR ??= stateDir;
process.env.PLAYGROUND_TRAFFIC_LOG ??= "memory";
process.env.PLAYGROUND_DOCKER_POOL_SIZE ??= "8";

// Imported after the environment above is set (lib/env.ts reads it once).
type Registry = typeof import("@/lib/sandbox/registry");
let getBackend: Registry["getBackend"];
type BackendName = "local" | "docker";

const CONCURRENCY = [1, 16, 64, 256];
const MIN_REQUESTS = Number(process.env.BENCH_API_MIN_REQUESTS ?? 32);
const HELLO = "print('hello world')";
const MODE = process.env.BENCH_API_SERVER ?? "inproc";
const SECTIONS = new Set((process.env.BENCH_API_SECTIONS ?? "load,compile").split(","));
const COMPILE_RUNS = Number(process.env.BENCH_API_COMPILE_RUNS ?? 3);

/** [language, program printing stdin; `@` is replaced by a marker in a comment, so each marker is new source]. */
const COMPILED: [string, string][] = [
  ["c", "#include <stdio.h>\n/* @ */\nint main(void) { int x; scanf(\"%d\", &x); printf(\"%d\\n\", x); return 0; }"],
  ["cpp", "#include <iostream>\n// @\nint main() { int x; std::cin >> x; std::cout << x << std::endl; }"],
  ["go", "package main\n// @\nimport \"fmt\"\nfunc main() { var x int; fmt.Scan(&x); fmt.Println(x) }"],
  ["rust", "// @\nuse std::io::Read;\nfn main() { let mut s = String::new(); std::io::stdin().read_to_string(&mut s).unwrap(); println!(\"{}\", s.trim()); }"],
  ["java", "// @\nimport java.util.*;\npublic class Main { public static void main(String[] a) { System.out.println(new Scanner(System.in).nextInt()); } }"],
  ["csharp", "// @\nclass P { static void Main() { Console.WriteLine(int.Parse(Console.ReadLine().Trim())); } }"],
  ["scala", "// @\nobject Main { def main(args: Array[String]): Unit = { println(scala.io.StdIn.readLine().trim.toInt) } }"],
  ["D_ut", "// @\nimport std.stdio, std.string, std.conv;\nvoid main() { writeln(readln().strip().to!int); }"],
  ["verilog", "// @\nmodule tb;\n  initial begin\n    $display(\"%0d\", 7);\n    $finish;\n  end\nendmodule"],
  ["typescript", "// @\nconst s: string = require('fs').readFileSync(0, 'utf8').trim();\nconsole.log(Number(s));"],
];

interface CompileRow {
  language: string;
  first: number[];
  warm: number[];
  firstReq: number[];
  warmReq: number[];
  failures: number;
}

/** First and warm compile of each language over HTTP (compile_result.execution_time; TypeScript has no compile step: its run). */
async function compileBench(url: string): Promise<CompileRow[]> {
  const rows: CompileRow[] = [];
  for (const [language, template] of COMPILED) {
    const row: CompileRow = { language, first: [], warm: [], firstReq: [], warmReq: [], failures: 0 };
    const once = async (code: string, stdin: string, into: number[], req: number[]) => {
      const t0 = performance.now();
      const res = await fetch(`${url}/sandbox-fusion/run_code`, { method: "POST", body: JSON.stringify({ language, code, stdin, compile_timeout: 60, run_timeout: 30 }) });
      const ms = performance.now() - t0;
      const j = (await res.json()) as { status: string; compile_result: { execution_time: number | null } | null; run_result: { stdout: string | null; execution_time: number | null } | null };
      const want = language === "verilog" ? "7\n" : `${stdin}\n`;
      if (j.status !== "Success" || j.run_result?.stdout !== want) {
        row.failures++;
        return;
      }
      const step = language === "typescript" ? j.run_result : j.compile_result;
      into.push((step?.execution_time ?? 0) * 1000);
      req.push(ms);
    };
    for (let i = 0; i < COMPILE_RUNS; i++) {
      const code = template.replace("@", `bench ${process.pid} ${Date.now()} ${i}`);
      await once(code, String(100 + i), row.first, row.firstReq);
      await once(code, String(200 + i), row.warm, row.warmReq);
    }
    console.log(`  ${language}: first ${pct(row.first, 50).toFixed(0)} ms, warm ${pct(row.warm, 50).toFixed(0)} ms, ${row.failures} failures`);
    rows.push(row);
  }
  return rows;
}

interface Cell {
  backend: BackendName;
  path: "direct" | "http";
  concurrency: number;
  requests: number;
  failures: number;
  failureKinds: Map<string, number>;
  latencies: number[];
  wallMs: number;
  load1: number;
}

/** Runs `total` calls with at most `concurrency` in flight; each returns an error string or null. */
async function drive(total: number, concurrency: number, once: () => Promise<string | null>) {
  const latencies: number[] = [];
  const failureKinds = new Map<string, number>();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        next++;
        const s = performance.now();
        let e: string | null;
        try {
          e = await once();
        } catch (x) {
          e = x instanceof Error ? x.message.slice(0, 80) : String(x);
        }
        latencies.push(performance.now() - s);
        if (e) failureKinds.set(e, (failureKinds.get(e) ?? 0) + 1);
      }
    }),
  );
  return { latencies, failureKinds, wallMs: performance.now() - t0 };
}

async function httpOnce(url: string, body: Record<string, unknown>, want?: string): Promise<string | null> {
  const res = await fetch(`${url}/sandbox-fusion/run_code`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (res.status !== 200) return `HTTP ${res.status}`;
  const j = (await res.json()) as { status: string; message: string; run_result: { stdout: string } | null };
  if (want === undefined) return null;
  if (j.status !== "Success" || j.run_result?.stdout !== want) return `${j.status}: ${(j.message || j.run_result?.stdout || "").slice(0, 60)}`;
  return null;
}

function directOnce(backend: BackendName): () => Promise<string | null> {
  const b = getBackend(backend)!;
  return async () => {
    const sb = await b.create({ tools_config: { multi_code_executor: {} }, limits: { timeout_s: 10 } });
    try {
      const r = await sb.executeTool("multi_code_executor", { language: "python", code: HELLO });
      return r.status === "success" && r.stdout === "hello world\n" ? null : `${r.status}: ${(r.error ?? "").slice(0, 60)}`;
    } finally {
      await sb.close();
    }
  };
}

async function main() {
  const registry = await import("@/lib/sandbox/registry");
  getBackend = registry.getBackend;
  const { backendStatuses } = registry;
  const { startRouteServer, sandboxFusionRoutes } = await import("@/lib/service/core/testing/route-server");
  const { startNextServer } = await import("@/lib/service/core/testing/next-server");
  const { serverEnv } = await import("@/lib/env");
  const { shutdownSessions } = await import("@/lib/sandbox/sessions");
  const statuses = await backendStatuses();
  const wanted = (process.env.BENCH_API_BACKENDS ?? statuses.filter((s) => s.available).map((s) => s.backend).join(",")).split(",").filter(Boolean) as BackendName[];
  for (const s of statuses) if (!s.available) console.log(`(${s.backend} backend unavailable: ${s.reason})`);
  const env = serverEnv();
  console.log(
    `${os.cpus().length} CPUs; load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; HTTP server: ${MODE}; queue: local ${env.PLAYGROUND_API_CONCURRENCY_LOCAL}, docker ${env.PLAYGROUND_API_CONCURRENCY_DOCKER} slots, timeout ${env.PLAYGROUND_API_QUEUE_TIMEOUT_S} s; docker pool ${env.PLAYGROUND_DOCKER_POOL_SIZE}; requests per cell: max(${MIN_REQUESTS}, concurrency)\n`,
  );

  const cells: Cell[] = [];
  const mixed: { backend: BackendName; wallMs: number; ok: number; timeouts: number; failures: number }[] = [];
  let compileRows: CompileRow[] = [];
  for (const backend of wanted) {
    process.env.PLAYGROUND_API_BACKEND = backend;
    let url: string;
    let stop: () => Promise<void>;
    if (MODE === "next") {
      const s = await startNextServer({ port: Number(process.env.BENCH_API_PORT ?? 3140), distDir: process.env.NEXT_DIST_DIR ?? ".next-api", env: { PLAYGROUND_API_BACKEND: backend } });
      url = s.url;
      stop = s.stop;
    } else {
      const { resetServerEnvForTests } = await import("@/lib/env");
      resetServerEnvForTests();
      const s = await startRouteServer(await sandboxFusionRoutes());
      url = s.url;
      stop = s.close;
    }
    if (backend === "docker") {
      const d = getBackend("docker") as unknown as { warm?: (n?: number) => Promise<void> };
      await d.warm?.();
    }
    if (backend === "docker" && SECTIONS.has("compile")) {
      console.log("compile steps (docker):");
      compileRows = await compileBench(url);
    }
    if (!SECTIONS.has("load")) {
      await stop();
      continue;
    }
    // Warm-up: first runs pay one-time costs (interpreter caches, pool fill).
    await drive(4, 2, () => httpOnce(url, { code: HELLO }, "hello world\n"));
    await drive(4, 2, directOnce(backend));
    for (const concurrency of CONCURRENCY) {
      const total = Math.max(MIN_REQUESTS, concurrency);
      // Direct on Docker at 256 would start 256 containers at once on this machine; the queue exists to prevent that.
      const paths: ("direct" | "http")[] = backend === "docker" && concurrency > 64 ? ["http"] : ["direct", "http"];
      // Direct and HTTP alternate in slices so a change in machine load hits both alike.
      const slices = concurrency <= 16 ? 4 : 1;
      const acc = new Map<string, Cell>();
      for (let s = 0; s < slices; s++) {
        for (const p of paths) {
          const once = p === "direct" ? directOnce(backend) : () => httpOnce(url, { code: HELLO }, "hello world\n");
          const r = await drive(Math.ceil(total / slices), concurrency, once);
          const cell: Cell = acc.get(p) ?? { backend, path: p, concurrency, requests: 0, failures: 0, failureKinds: new Map(), latencies: [], wallMs: 0, load1: 0 };
          cell.requests += r.latencies.length;
          for (const [k, v] of r.failureKinds) cell.failureKinds.set(k, (cell.failureKinds.get(k) ?? 0) + v);
          cell.failures = [...cell.failureKinds.values()].reduce((a, b) => a + b, 0);
          cell.latencies.push(...r.latencies);
          cell.wallMs += r.wallMs;
          cell.load1 = Math.max(cell.load1, os.loadavg()[0]!);
          acc.set(p, cell);
        }
      }
      for (const cell of acc.values()) {
        cells.push(cell);
        console.log(`  ${backend} ${cell.path} c=${concurrency}: p50 ${pct(cell.latencies, 50).toFixed(0)} ms, ${((cell.requests / cell.wallMs) * 1000).toFixed(1)} req/s, ${cell.failures} failures${cell.failures ? ` ${JSON.stringify([...cell.failureKinds])}` : ""}`);
      }
    }
    // Mixed: 100 cases, 4 of them run into a 15 s timeout, all sent at once.
    const bodies = Array.from({ length: 100 }, (_, i) =>
      i % 25 === 0 ? { code: "import time\ntime.sleep(100)", run_timeout: 15 } : { code: `print(${i} * 3)`, stdin: "" },
    );
    const t0 = performance.now();
    const outcomes = await Promise.all(
      bodies.map(async (b) => {
        const res = await fetch(`${url}/sandbox-fusion/run_code`, { method: "POST", body: JSON.stringify(b) });
        if (res.status !== 200) return "http";
        const j = (await res.json()) as { status: string; run_result: { status: string } | null };
        return j.run_result?.status === "TimeLimitExceeded" ? "timeout" : j.status === "Success" ? "ok" : "fail";
      }),
    );
    mixed.push({
      backend,
      wallMs: performance.now() - t0,
      ok: outcomes.filter((o) => o === "ok").length,
      timeouts: outcomes.filter((o) => o === "timeout").length,
      failures: outcomes.filter((o) => o === "http" || o === "fail").length,
    });
    await stop();
  }

  const header = ["backend", "path", "conc", "requests", "fail", "p50 ms", "p95 ms", "req/s", "load1"];
  const rows = cells.map((c) => [
    c.backend,
    c.path,
    String(c.concurrency),
    String(c.requests),
    String(c.failures),
    pct(c.latencies, 50).toFixed(0),
    pct(c.latencies, 95).toFixed(0),
    ((c.requests / c.wallMs) * 1000).toFixed(1),
    c.load1.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ") + " |";
  if (rows.length) {
    console.log("\n" + line(header));
    console.log("|" + widths.map((w, i) => (i < 2 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|");
    for (const r of rows) console.log(line(r));
  }

  if (compileRows.length) {
    const ch = ["language", "runs", "fail", "first compile p50 ms", "warm compile p50 ms", "first request p50 ms", "warm request p50 ms"];
    const cr = compileRows.map((r) => [r.language + (r.language === "typescript" ? " (run)" : ""), String(r.first.length), String(r.failures), ...[r.first, r.warm, r.firstReq, r.warmReq].map((xs) => (xs.length ? pct(xs, 50).toFixed(0) : "-"))]);
    const cw = ch.map((h, i) => Math.max(h.length, ...cr.map((r) => r[i]!.length)));
    const cline = (cells: string[]) => "| " + cells.map((c, i) => (i < 1 ? c.padEnd(cw[i]!) : c.padStart(cw[i]!))).join(" | ") + " |";
    console.log("\ncompile steps on Docker (warm = the same program again with other stdin; its compile is reused from the compile cache)");
    console.log(cline(ch));
    console.log("|" + cw.map((w, i) => (i < 1 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|");
    for (const r of cr) console.log(cline(r));
  }

  if (SECTIONS.has("load")) console.log("\nmixed load: 100 run_code calls sent at once, 4 of them sleep into a 15 s run_timeout");
  for (const m of mixed) console.log(`  ${m.backend}: ${(m.wallMs / 1000).toFixed(1)} s wall, ${m.ok} ok, ${m.timeouts} TimeLimitExceeded, ${m.failures} other  ${m.wallMs < 25_000 && m.timeouts === 4 && m.failures === 0 ? "PASS (< 25 s)" : "MISS"}`);

  if (cells.length) console.log("\ngoals:");
  for (const backend of wanted) {
    const get = (p: string, c: number) => cells.find((x) => x.backend === backend && x.path === p && x.concurrency === c);
    const d1 = get("direct", 1);
    const h1 = get("http", 1);
    if (d1 && h1) {
      const ratio = pct(h1.latencies, 50) / pct(d1.latencies, 50);
      console.log(`  ${backend}: HTTP p50 / direct p50 at c=1 = ${ratio.toFixed(2)}x  ${ratio <= 1.2 ? "PASS (<= 1.2x)" : "MISS"}`);
    }
    const d64 = get("direct", 64);
    const h64 = get("http", 64);
    if (d64 && h64) {
      const share = (h64.requests / h64.wallMs) / (d64.requests / d64.wallMs);
      console.log(`  ${backend}: HTTP throughput at c=64 = ${(share * 100).toFixed(0)}% of direct  ${share >= 0.8 ? "PASS (>= 80%)" : "MISS"}`);
    }
    const h256 = get("http", 256);
    if (h256) console.log(`  ${backend}: failures at c=256 over HTTP = ${h256.failures}  ${h256.failures === 0 ? "PASS (queued, not refused)" : "MISS"}`);
  }
  await shutdownSessions();
  rmSync(stateDir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
