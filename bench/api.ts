// npm run bench:api — SandboxFusion run_code over HTTP, one row per configuration (local, docker,
// …) in one run: python print at concurrency 1, 16, 64 and 256; the mixed load (100 calls sent at
// once, 4 of them sleeping into a 15 s run_timeout); and per compiled language the first compile
// of a program and a warm one (the same program again with other stdin, as verl sends one request
// per test case). Then the goals, each PASS or MISS.
// HTTP = a real HTTP server in front of the route handlers (BENCH_API_SERVER=inproc, default) or the
// production server `next start` on the build in NEXT_DIST_DIR (BENCH_API_SERVER=next).
// Env: BENCH_API_CONFIGS (names from CONFIGS, default: every one whose backend is available),
// BENCH_API_MIN_REQUESTS (per cell, default 64), BENCH_API_SECTIONS (default "load,mixed,compile"),
// BENCH_API_LANGUAGES (default all of COMPILED), BENCH_API_COMPILE_RUNS (per language, default 3).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pct } from "./stats";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-bench-api-"));
process.env.PLAYGROUND_STATE_DIR ??= stateDir;
process.env.PLAYGROUND_TRAFFIC_LOG ??= "memory";
process.env.PLAYGROUND_DOCKER_POOL_SIZE ??= "8";

type BackendName = "local" | "docker";

/**
 * What the bench compares: one row each. `env` is applied (and lib/env.ts re-read) before the
 * configuration runs and undone after. By default a row runs when its backend is available (and,
 * for runsc, when dockerd has it).
 */
interface BenchConfig {
  name: string;
  backend: BackendName;
  env: Record<string, string>;
  /** Goal for req/s at c=64. */
  goalRps: number;
}
const CONFIGS: BenchConfig[] = [
  { name: "local", backend: "local", env: {}, goalRps: 150 },
  { name: "docker", backend: "docker", env: { PLAYGROUND_DOCKER_RUNTIME: "runc" }, goalRps: 100 },
  // gVisor: issue 19's goal is warm runs within 1.5x of runc, so 100 / 1.5 req/s.
  { name: "docker runsc", backend: "docker", env: { PLAYGROUND_DOCKER_RUNTIME: "runsc" }, goalRps: 67 },
];

/** Whether dockerd has the OCI runtime a configuration asks for (runc always). */
async function hasRuntime(config: BenchConfig): Promise<boolean> {
  const want = config.env.PLAYGROUND_DOCKER_RUNTIME;
  if (config.backend !== "docker" || !want || want === "runc") return true;
  const { DockerClient, dockerFromEnv } = await import("@/lib/sandbox/backends/docker-client");
  const known = await new DockerClient(dockerFromEnv()).runtimes().catch(() => [] as string[]);
  if (!known.includes(want)) console.log(`(${config.name} skipped: dockerd has no ${want} runtime; see README, gVisor)`);
  return known.includes(want);
}

const GOAL_P50_C1_MS = 15;
const GOAL_P50_C256_MS = 2000;
const GOAL_MIXED_MS = 25_000;

const CONCURRENCY = [1, 16, 64, 256];
const MIN_REQUESTS = Number(process.env.BENCH_API_MIN_REQUESTS ?? 64);
const HELLO = "print('hello world')";
const MODE = process.env.BENCH_API_SERVER ?? "inproc";
const SECTIONS = new Set((process.env.BENCH_API_SECTIONS ?? "load,mixed,compile").split(","));
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
const LANGUAGES = process.env.BENCH_API_LANGUAGES?.split(",").filter(Boolean);

interface CompileCell {
  /** compile_result.execution_time (TypeScript has no compile step: its run), ms. */
  first: number[];
  warm: number[];
  failures: number;
  /** Why it was not measured (not supported by this backend). */
  skipped?: string;
}

type Reply = { http: 200; json: RunCodeReply } | { http: number; json?: undefined };
async function post(url: string, body: Record<string, unknown>): Promise<Reply> {
  const res = await fetch(`${url}/sandbox-fusion/run_code`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (res.status !== 200) return { http: res.status };
  return { http: 200, json: (await res.json()) as RunCodeReply };
}
interface RunCodeReply {
  status: string;
  message: string;
  compile_result: { execution_time: number | null; stderr?: string | null } | null;
  run_result: { status: string; stdout: string | null; stderr?: string | null; execution_time: number | null } | null;
}

async function compileBench(url: string, supported: Set<string>): Promise<Map<string, CompileCell>> {
  const out = new Map<string, CompileCell>();
  for (const [language, template] of COMPILED) {
    if (LANGUAGES && !LANGUAGES.includes(language)) continue;
    const cell: CompileCell = { first: [], warm: [], failures: 0 };
    out.set(language, cell);
    if (!supported.has(language.toLowerCase())) {
      cell.skipped = "not installed";
      continue;
    }
    const once = async (code: string, stdin: string, into: number[]) => {
      const r = await post(url, { language, code, stdin, compile_timeout: 60, run_timeout: 30 });
      const want = language === "verilog" ? "7\n" : `${stdin}\n`;
      if (!r.json || r.json.status !== "Success" || r.json.run_result?.stdout !== want) {
        cell.failures++;
        return;
      }
      const step = language === "typescript" ? r.json.run_result : r.json.compile_result;
      into.push((step?.execution_time ?? 0) * 1000);
    };
    for (let i = 0; i < COMPILE_RUNS; i++) {
      const code = template.replace("@", `bench ${process.pid} ${Date.now()} ${i}`);
      await once(code, String(100 + i), cell.first);
      await once(code, String(200 + i), cell.warm);
    }
    console.log(`    ${language}: first ${fmt(pct(cell.first, 50))} ms, warm ${fmt(pct(cell.warm, 50))} ms, ${cell.failures} failures`);
  }
  return out;
}

interface LoadCell {
  concurrency: number;
  requests: number;
  failureKinds: Map<string, number>;
  latencies: number[];
  wallMs: number;
  load1: number;
}

/** Runs `total` calls with at most `concurrency` in flight; each returns an error string or null. */
async function drive(total: number, concurrency: number, once: () => Promise<string | null>): Promise<LoadCell> {
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
  return { concurrency, requests: total, latencies, failureKinds, wallMs: performance.now() - t0, load1: os.loadavg()[0]! };
}

async function helloOnce(url: string): Promise<string | null> {
  const r = await post(url, { code: HELLO });
  if (!r.json) return `HTTP ${r.http}`;
  if (r.json.status !== "Success" || r.json.run_result?.stdout !== "hello world\n") return `${r.json.status}: ${(r.json.message || r.json.run_result?.stdout || "").slice(0, 60)}`;
  return null;
}

interface Mixed {
  wallMs: number;
  ok: number;
  timeouts: number;
  failures: number;
}

async function mixedLoad(url: string): Promise<Mixed> {
  const bodies = Array.from({ length: 100 }, (_, i) => (i % 25 === 0 ? { code: "import time\ntime.sleep(100)", run_timeout: 15 } : { code: `print(${i} * 3)`, stdin: "" }));
  const kinds = new Map<string, number>();
  const t0 = performance.now();
  const outcomes = await Promise.all(
    bodies.map(async (b) => {
      const r = await post(url, b);
      if (!r.json) {
        kinds.set(`http ${r.http}`, (kinds.get(`http ${r.http}`) ?? 0) + 1);
        return "http";
      }
      if (r.json.run_result?.status === "TimeLimitExceeded") return "timeout";
      // An answer counts only when it is exactly the program's output.
      if (r.json.status === "Success" && "stdin" in b && r.json.run_result?.stdout === `${Number(b.code.slice(6, -5)) * 3}\n`) return "ok";
      const kind = `${r.json.status}/${r.json.run_result?.status}: ${JSON.stringify(r.json.run_result?.stdout ?? "").slice(0, 40)} ${JSON.stringify(r.json.run_result?.stderr ?? r.json.message ?? "").slice(0, 120)}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      return "fail";
    }),
  );
  for (const [k, n] of kinds) console.log(`    other x${n}: ${k}`);
  return { wallMs: performance.now() - t0, ok: outcomes.filter((o) => o === "ok").length, timeouts: outcomes.filter((o) => o === "timeout").length, failures: outcomes.filter((o) => o === "http" || o === "fail").length };
}

interface Row {
  config: BenchConfig;
  load: LoadCell[];
  mixed?: Mixed;
  compile?: Map<string, CompileCell>;
  error?: string;
}

const fmt = (x: number, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : "-");
const rps = (c: LoadCell | undefined) => (c ? (c.requests / c.wallMs) * 1000 : NaN);
const failures = (c: LoadCell) => [...c.failureKinds.values()].reduce((a, b) => a + b, 0);

function withEnv(env: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

async function runConfig(config: BenchConfig): Promise<Row> {
  const { startRouteServer, sandboxFusionRoutes } = await import("@/lib/service/core/testing/route-server");
  const { startNextServer } = await import("@/lib/service/core/testing/next-server");
  const { resetServerEnvForTests } = await import("@/lib/env");
  const { backendLanguages } = await import("@/lib/service/core/execute");
  const restore = withEnv({ ...config.env, PLAYGROUND_API_BACKEND: config.backend });
  resetServerEnvForTests();
  let url: string;
  let stop: () => Promise<void>;
  if (MODE === "next") {
    const s = await startNextServer({ port: Number(process.env.BENCH_API_PORT ?? 3140), distDir: process.env.NEXT_DIST_DIR ?? ".next-api", env: { ...config.env, PLAYGROUND_API_BACKEND: config.backend } });
    url = s.url;
    stop = s.stop;
  } else {
    const s = await startRouteServer(await sandboxFusionRoutes());
    url = s.url;
    stop = s.close;
  }
  const row: Row = { config, load: [] };
  try {
    console.log(`${config.name}:`);
    // Warm-up: the first calls pay one-time costs (the template's start, the container pool's fill).
    await drive(8, 4, () => helloOnce(url));
    if (SECTIONS.has("load")) {
      for (const concurrency of CONCURRENCY) {
        const cell = await drive(Math.max(MIN_REQUESTS, concurrency), concurrency, () => helloOnce(url));
        row.load.push(cell);
        const f = failures(cell);
        console.log(`  c=${concurrency}: p50 ${fmt(pct(cell.latencies, 50))} ms, ${fmt(rps(cell), 1)} req/s, ${f} failures${f ? ` ${JSON.stringify([...cell.failureKinds])}` : ""}, load ${cell.load1.toFixed(1)}`);
      }
    }
    if (SECTIONS.has("mixed")) {
      row.mixed = await mixedLoad(url);
      console.log(`  mixed: ${fmt(row.mixed.wallMs / 1000, 1)} s, ${row.mixed.ok} ok, ${row.mixed.timeouts} TimeLimitExceeded, ${row.mixed.failures} other`);
    }
    if (SECTIONS.has("compile")) {
      console.log("  compile steps:");
      row.compile = await compileBench(url, new Set((await backendLanguages(config.backend)).map((l) => l.toLowerCase())));
    }
  } catch (e) {
    row.error = e instanceof Error ? e.message : String(e);
    console.log(`  failed: ${row.error}`);
  } finally {
    await stop();
    // The next configuration gets backends built from its own environment (the runtime above all).
    const { shutdownSessions } = await import("@/lib/sandbox/sessions");
    await shutdownSessions();
    (await import("@/lib/sandbox/registry")).forgetBackends();
    restore();
    resetServerEnvForTests();
  }
  return row;
}

function table(header: string[], rows: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ") + " |";
  console.log(line(header));
  console.log("|" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|");
  for (const r of rows) console.log(line(r));
}

async function main() {
  const { backendStatuses } = await import("@/lib/sandbox/registry");
  const { shutdownSessions } = await import("@/lib/sandbox/sessions");
  const { serverEnv } = await import("@/lib/env");
  const statuses = await backendStatuses();
  for (const s of statuses) if (!s.available) console.log(`(${s.backend} backend unavailable: ${s.reason})`);
  const names = process.env.BENCH_API_CONFIGS?.split(",").filter(Boolean);
  const configs: BenchConfig[] = [];
  for (const c of CONFIGS) {
    if (names ? names.includes(c.name) : statuses.some((s) => s.backend === c.backend && s.available) && (await hasRuntime(c))) configs.push(c);
  }
  const env = serverEnv();
  console.log(
    `${os.cpus().length} CPUs; load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; HTTP server: ${MODE}; queue: local ${env.PLAYGROUND_API_CONCURRENCY_LOCAL}, docker ${env.PLAYGROUND_API_CONCURRENCY_DOCKER} slots; warm templates ${env.PLAYGROUND_WARM_TEMPLATES ? "on" : "off"}; docker pool ${env.PLAYGROUND_DOCKER_POOL_SIZE}; requests per cell: max(${MIN_REQUESTS}, concurrency)\n`,
  );
  const rows: Row[] = [];
  for (const config of configs) rows.push(await runConfig(config));

  const at = (r: Row, c: number) => r.load.find((x) => x.concurrency === c);
  const langs = COMPILED.map(([l]) => l).filter((l) => rows.some((r) => r.compile?.has(l)));
  const header = ["config", "c=1 p50 ms", "req/s c=16", "req/s c=64", "c=256 p50 ms", "failures", "mixed s", "load1", ...langs.map((l) => `${l} first/warm ms`)];
  console.log("\npython run_code over HTTP; compiled languages: compile p50 of a new program / of the same program again (TypeScript: its run)");
  table(
    header,
    rows.map((r) => [
      r.config.name + (r.error ? " (failed)" : ""),
      fmt(pct(at(r, 1)?.latencies ?? [], 50), 1),
      fmt(rps(at(r, 16)), 1),
      fmt(rps(at(r, 64)), 1),
      fmt(pct(at(r, 256)?.latencies ?? [], 50)),
      String(r.load.reduce((a, c) => a + failures(c), 0) + (r.mixed?.failures ?? 0)),
      r.mixed ? fmt(r.mixed.wallMs / 1000, 1) : "-",
      fmt(Math.max(0, ...r.load.map((c) => c.load1)), 1),
      ...langs.map((l) => {
        const c = r.compile?.get(l);
        if (!c) return "-";
        if (c.skipped) return c.skipped;
        return `${fmt(pct(c.first, 50))}/${fmt(pct(c.warm, 50))}${c.failures ? ` (${c.failures} failed)` : ""}`;
      }),
    ]),
  );

  console.log("\ngoals:");
  const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
  for (const r of rows) {
    const n = r.config.name;
    const c1 = at(r, 1);
    const c64 = at(r, 64);
    const c256 = at(r, 256);
    if (c1) console.log(`  ${n}: c=1 p50 ${fmt(pct(c1.latencies, 50), 1)} ms <= ${GOAL_P50_C1_MS} ms  ${verdict(pct(c1.latencies, 50) <= GOAL_P50_C1_MS)}`);
    if (c64) console.log(`  ${n}: ${fmt(rps(c64), 1)} req/s at c=64 >= ${r.config.goalRps}  ${verdict(rps(c64) >= r.config.goalRps)}`);
    if (c256) console.log(`  ${n}: c=256 p50 ${fmt(pct(c256.latencies, 50))} ms <= ${GOAL_P50_C256_MS} ms  ${verdict(pct(c256.latencies, 50) <= GOAL_P50_C256_MS)}`);
    if (r.load.length) {
      const f = r.load.reduce((a, c) => a + failures(c), 0);
      console.log(`  ${n}: ${f} failures under load  ${verdict(f === 0)}`);
    }
    if (r.mixed) {
      const m = r.mixed;
      console.log(`  ${n}: mixed load ${fmt(m.wallMs / 1000, 1)} s (${m.ok} ok, ${m.timeouts} TimeLimitExceeded, ${m.failures} other) < 25 s  ${verdict(m.wallMs < GOAL_MIXED_MS && m.timeouts === 4 && m.failures === 0)}`);
    }
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
