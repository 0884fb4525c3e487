// npm run bench:e2b — the E2B gateway driven by the real `e2b` SDK against `next start` (the build in
// NEXT_DIST_DIR, built first when stale) on Docker: create → first command with the pool warm,
// commands.run("true") over HTTP, 64 sandboxes in parallel, files.write/read of 100 MB. Prints a table.
// Env: BENCH_E2B_PORT (3241), BENCH_E2B_CREATES (30), BENCH_E2B_RUNS (200), BENCH_E2B_PARALLEL (64),
// BENCH_E2B_FILE_MB (100), PLAYGROUND_E2B_POOL_SIZE (8 here).
import { execFileSync } from "node:child_process";
import { startNextServer } from "@/lib/service/core/testing/next-server";
import { pct } from "./stats";

const port = Number(process.env.BENCH_E2B_PORT ?? 3241);
const CREATES = Number(process.env.BENCH_E2B_CREATES ?? 30);
const RUNS = Number(process.env.BENCH_E2B_RUNS ?? 200);
const PARALLEL = Number(process.env.BENCH_E2B_PARALLEL ?? 64);
const FILE_MB = Number(process.env.BENCH_E2B_FILE_MB ?? 100);
const POOL = process.env.PLAYGROUND_E2B_POOL_SIZE ?? "8";

const e2bContainers = () =>
  execFileSync("docker", ["ps", "-a", "--filter", "label=rollout-playground.kind=e2b", "-q"], { encoding: "utf8" }).split("\n").filter(Boolean).length;

/** How long ago the newest E2B container started (ms; Infinity for none). */
const newestStartMs = () => {
  const ids = execFileSync("docker", ["ps", "-q", "--filter", "label=rollout-playground.kind=e2b"], { encoding: "utf8" }).split("\n").filter(Boolean);
  if (!ids.length) return Infinity;
  const started = execFileSync("docker", ["inspect", "-f", "{{.State.StartedAt}}", ...ids], { encoding: "utf8" }).split("\n").filter(Boolean).map((t) => Date.parse(t));
  return Date.now() - Math.max(...started);
};

const fmt = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : "-");

async function main() {
  const server = await startNextServer({
    port,
    distDir: process.env.NEXT_DIST_DIR ?? ".next-e2b",
    env: { PLAYGROUND_E2B_POOL_SIZE: POOL, PLAYGROUND_E2B_MAX_SANDBOXES: String(Math.max(PARALLEL, 8) + 8), PLAYGROUND_TRAFFIC_LOG: "memory" },
  });
  process.env.E2B_API_URL = `${server.url}/e2b`;
  process.env.E2B_SANDBOX_URL = `${server.url}/e2b/sandbox`;
  process.env.E2B_API_KEY = "e2b_0000000000000000000000000000000000000000";
  const { Sandbox } = await import("e2b");
  const rows: [string, string, string][] = [];
  try {
    // Warm-up: the first create starts the pool.
    await (await Sandbox.create({ timeoutMs: 60_000 })).kill();
    const warmed = async () => {
      // No sandbox is alive here, so every E2B container is a pool one: wait until the pool is full
      // again and its newest container has had time to boot (a container counts from its create, and
      // a boot beside the measured create would measure the boot's CPU, not the hand-over).
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        if (e2bContainers() >= Number(POOL) && newestStartMs() > 1000) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    const boot: number[] = [];
    for (let i = 0; i < CREATES; i++) {
      await warmed();
      const t0 = performance.now();
      const sb = await Sandbox.create({ timeoutMs: 60_000 });
      await sb.commands.run("true");
      boot.push(performance.now() - t0);
      await sb.kill();
    }
    rows.push(["create → first command (pool warm)", `p50 ${fmt(pct(boot, 50))}, p95 ${fmt(pct(boot, 95))}`, `n=${CREATES}; goal p50 ≤ 50 ms`]);

    const sb = await Sandbox.create({ timeoutMs: 600_000 });
    for (let i = 0; i < 10; i++) await sb.commands.run("true");
    const run: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await sb.commands.run("true");
      run.push(performance.now() - t0);
    }
    rows.push(['commands.run("true") over HTTP', `p50 ${fmt(pct(run, 50))}, p95 ${fmt(pct(run, 95))}`, `n=${RUNS}; goal p50 ≤ 15 ms`]);

    const data = Buffer.alloc(FILE_MB * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4096) data[i] = i & 255;
    let t0 = performance.now();
    await sb.files.write("/tmp/big.bin", new Blob([data]), { useOctetStream: true });
    const wMs = performance.now() - t0;
    t0 = performance.now();
    const back = await sb.files.read("/tmp/big.bin", { format: "bytes" });
    const rMs = performance.now() - t0;
    const same = Buffer.from(back).equals(data);
    rows.push([`files.write ${FILE_MB} MB (octet-stream)`, `${((FILE_MB / wMs) * 1000).toFixed(0)} MB/s`, `${fmt(wMs)}; goal ≥ 100 MB/s`]);
    rows.push([`files.read ${FILE_MB} MB`, `${((FILE_MB / rMs) * 1000).toFixed(0)} MB/s`, `${fmt(rMs)}; bytes ${same ? "identical" : "DIFFER"}`]);
    await sb.kill();

    t0 = performance.now();
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, async (_, i) => {
        try {
          const s = await Sandbox.create({ timeoutMs: 120_000 });
          const r = await s.commands.run(`echo ${i}`);
          await s.kill();
          return r.stdout.trim() === String(i) ? null : `wrong output ${r.stdout}`;
        } catch (e) {
          return e instanceof Error ? e.message.slice(0, 100) : String(e);
        }
      }),
    );
    const failures = results.filter(Boolean);
    rows.push([`${PARALLEL} sandboxes in parallel (create, run, kill)`, `${failures.length} failures`, `${fmt(performance.now() - t0)} wall${failures.length ? `; first: ${failures[0]}` : ""}`]);
    const deadline = Date.now() + 30_000;
    while (e2bContainers() > Number(POOL) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    rows.push(["E2B containers after every kill", String(e2bContainers()), `the warm pool is ${POOL}`]);
  } finally {
    await server.stop();
  }
  const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
  console.log(`\nE2B gateway (e2b SDK → next start → Docker), pool ${POOL}, ${new Date().toISOString()}\n`);
  console.log(`${"measure".padEnd(w[0]!)}  ${"result".padEnd(w[1]!)}  notes`);
  for (const r of rows) console.log(`${r[0].padEnd(w[0]!)}  ${r[1].padEnd(w[1]!)}  ${r[2]}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
