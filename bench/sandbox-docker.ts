// The Docker section of `npm run bench:sandbox` (called from bench/sandbox.ts; BENCH_DOCKER=0 skips it).
// Measures, in one run and interleaved so every row sees the same machine load:
//   - new session: cold (no pool) vs served from the warm pool;
//   - print(1) per call through python_executor: executor agent (fork server), executor agent
//     with a fresh interpreter per run, and plain `docker exec` (the baseline);
//   - throughput at concurrency 1, 8, 32 on one session, counting failed runs.
//   - runc against runsc (gVisor) when dockerd has it: cold start, pool, refill, warm print(1), runs/s.
// Env: BENCH_DOCKER_RUNS (latency samples, default 200), BENCH_DOCKER_SECONDS (per throughput cell, default 4),
//      BENCH_DOCKER_SESSIONS (new-session samples, default 12).
import { DockerBackend } from "@/lib/sandbox/backends/docker";
import type { Sandbox } from "@/lib/sandbox/types";
import { pct } from "./stats";

const RUNS = Number(process.env.BENCH_DOCKER_RUNS ?? 200);
const SECONDS = Number(process.env.BENCH_DOCKER_SECONDS ?? 4);
const SESSIONS = Number(process.env.BENCH_DOCKER_SESSIONS ?? 12);
const CONCURRENCY = [1, 8, 32];

type PrintTable = (header: string[], rows: string[][]) => void;

interface Row {
  name: string;
  sb: Sandbox;
  lat: number[];
  tput: number[];
  failures: number[];
}

async function once(sb: Sandbox): Promise<boolean> {
  const r = await sb.executeTool("python_executor", { code: "print(1)" });
  return r.status === "success" && r.output === "1\n";
}

async function window(sb: Sandbox, concurrency: number, seconds: number): Promise<{ ok: number; failed: number; elapsed: number }> {
  const end = performance.now() + seconds * 1000;
  let ok = 0;
  let failed = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        if (await once(sb)) ok++;
        else failed++;
      }
    }),
  );
  return { ok, failed, elapsed: (performance.now() - start) / 1000 };
}

export async function dockerBench(printTable: PrintTable): Promise<void> {
  const probe = new DockerBackend({ poolSize: 0 });
  const a = await probe.availability();
  if (!a.available) {
    console.log(`\n(docker section skipped: ${a.reason})`);
    return;
  }
  const agent = new DockerBackend({ poolSize: 2 });
  const exec = new DockerBackend({ poolSize: 0, transport: "exec" });
  const f1 = (n: number) => n.toFixed(1);
  try {
    // ---- new session: cold vs pool
    await agent.warm(2);
    const cold: number[] = [];
    const pooled: number[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      let t = performance.now();
      const c = await probe.create({});
      cold.push(performance.now() - t);
      await c.close();
      await agent.warm(2);
      t = performance.now();
      const p = await agent.create({});
      pooled.push(performance.now() - t);
      if (!agent.containerOf(p.id)?.fromPool) throw new Error("expected a pooled container");
      await p.close();
    }
    process.stderr.write("docker sessions done\n");

    // ---- per call
    const rows: Row[] = [
      { name: "docker: executor agent (fork server)", sb: await agent.create({}), lat: [], tput: [], failures: [] },
      { name: "docker: executor agent, fresh python3 per run", sb: await agent.create({ env: { PLAYGROUND_FORKSERVER: "0" } }), lat: [], tput: [], failures: [] },
      { name: "docker: plain `docker exec` (baseline)", sb: await exec.create({}), lat: [], tput: [], failures: [] },
    ];
    for (const r of rows) for (let i = 0; i < 5; i++) await once(r.sb);
    for (let i = 0; i < RUNS; i++) {
      for (const r of rows) {
        const t = performance.now();
        if (!(await once(r.sb))) throw new Error(`${r.name}: print(1) failed`);
        r.lat.push(performance.now() - t);
      }
    }
    process.stderr.write("docker latency done\n");
    for (const c of CONCURRENCY) {
      for (const r of rows) {
        const w = await window(r.sb, c, SECONDS);
        r.tput.push(w.ok / w.elapsed);
        r.failures.push(w.failed);
      }
      process.stderr.write(`docker throughput @${c} done\n`);
    }

    console.log(`\nDocker backend (image ${agent.image}; ${RUNS} latency samples per row, interleaved; ${SECONDS}s per throughput cell; one session per row)\n`);
    printTable(
      ["new session", "p50 ms", "p95 ms", "samples"],
      [
        ["cold (create + start container, no pool)", f1(pct(cold, 50)), f1(pct(cold, 95)), String(cold.length)],
        ["from the warm pool", f1(pct(pooled, 50)), f1(pct(pooled, 95)), String(pooled.length)],
      ],
    );
    console.log("");
    printTable(
      ["print(1) via python_executor", "p50 ms", "p95 ms", ...CONCURRENCY.map((c) => `runs/s @${c}`), ...CONCURRENCY.map((c) => `failed @${c}`)],
      rows.map((r) => [r.name, f1(pct(r.lat, 50)), f1(pct(r.lat, 95)), ...r.tput.map(f1), ...r.failures.map(String)]),
    );
    const [fast, , base] = rows as [Row, Row, Row];
    const p50 = pct(fast.lat, 50);
    const speedup = pct(base.lat, 50) / p50;
    const pool50 = pct(pooled, 50);
    const failed32 = rows.reduce((n, r) => n + (r.failures[2] ?? 0), 0);
    console.log("");
    printTable(
      ["goal", "measured", "verdict"],
      [
        ["warm per-call p50 < 30 ms", `${f1(p50)} ms`, p50 < 30 ? "met" : "MISSED"],
        [">= 3x faster than docker exec (p50)", `${speedup.toFixed(1)}x`, speedup >= 3 ? "met" : "MISSED"],
        ["new session from the pool < 50 ms (p50)", `${f1(pool50)} ms`, pool50 < 50 ? "met" : "MISSED"],
        ["zero failed runs at concurrency 32", String(failed32), failed32 === 0 ? "met" : "MISSED"],
      ],
    );
    for (const r of rows) await r.sb.close();
  } finally {
    await Promise.all([agent.shutdown(), exec.shutdown(), probe.shutdown()]);
  }
  await runtimeComparison(printTable);
}

/**
 * runc against runsc (gVisor), when dockerd has runsc: cold start, a new session from the pool and
 * the pool's refill, warm print(1), runs/s at 8 and 32. Samples alternate between the runtimes so
 * both see the same load.
 */
export async function runtimeComparison(printTable: PrintTable): Promise<void> {
  const runtimes = (await new DockerBackend({ poolSize: 0 }).client.runtimes().catch(() => [] as string[])) as string[];
  if (!runtimes.includes("runsc")) {
    console.log("\n(runsc column skipped: dockerd has no runsc runtime; see README, gVisor)");
    return;
  }
  const kinds = ["runc", "runsc"] as const;
  const m = Object.fromEntries(
    kinds.map((k) => [k, { cold: [] as number[], pooled: [] as number[], refill: [] as number[], lat: [] as number[], tput: [] as number[], failed: [] as number[] }]),
  ) as Record<(typeof kinds)[number], { cold: number[]; pooled: number[]; refill: number[]; lat: number[]; tput: number[]; failed: number[] }>;
  const cold = Object.fromEntries(kinds.map((k) => [k, new DockerBackend({ poolSize: 0, runtime: k })])) as Record<(typeof kinds)[number], DockerBackend>;
  const pooled = Object.fromEntries(kinds.map((k) => [k, new DockerBackend({ poolSize: 2, runtime: k })])) as Record<(typeof kinds)[number], DockerBackend>;
  const f1 = (n: number) => n.toFixed(1);
  try {
    for (const k of kinds) await pooled[k].warm(2);
    for (let i = 0; i < SESSIONS; i++) {
      for (const k of kinds) {
        let t = performance.now();
        const c = await cold[k].create({});
        m[k].cold.push(performance.now() - t);
        await c.close();
        t = performance.now();
        const p = await pooled[k].create({});
        m[k].pooled.push(performance.now() - t);
        t = performance.now();
        await pooled[k].warm(2);
        m[k].refill.push(performance.now() - t);
        await p.close();
      }
    }
    const sbs = { runc: await pooled.runc.create({}), runsc: await pooled.runsc.create({}) };
    for (const k of kinds) for (let i = 0; i < 5; i++) await once(sbs[k]);
    for (let i = 0; i < RUNS; i++) {
      for (const k of kinds) {
        const t = performance.now();
        if (!(await once(sbs[k]))) throw new Error(`${k}: print(1) failed`);
        m[k].lat.push(performance.now() - t);
      }
    }
    for (const c of [8, 32]) for (const k of kinds) {
      const w = await window(sbs[k], c, SECONDS);
      m[k].tput.push(w.ok / w.elapsed);
      m[k].failed.push(w.failed);
    }
    for (const k of kinds) await sbs[k].close();
  } finally {
    await Promise.all(kinds.flatMap((k) => [cold[k].shutdown(), pooled[k].shutdown()]));
  }
  const row = (name: string, a: number, b: number, unit: string) => [name, `${f1(a)} ${unit}`, `${f1(b)} ${unit}`, `${(b / a).toFixed(2)}x`];
  console.log(`\nrunc vs runsc (gVisor): ${SESSIONS} session samples, ${RUNS} latency samples, ${SECONDS}s per throughput cell, alternating\n`);
  printTable(
    ["metric (p50)", "runc", "runsc", "runsc / runc"],
    [
      row("cold start (create + start container)", pct(m.runc.cold, 50), pct(m.runsc.cold, 50), "ms"),
      row("new session from the warm pool", pct(m.runc.pooled, 50), pct(m.runsc.pooled, 50), "ms"),
      row("pool refill (one container)", pct(m.runc.refill, 50), pct(m.runsc.refill, 50), "ms"),
      row("warm print(1) via python_executor", pct(m.runc.lat, 50), pct(m.runsc.lat, 50), "ms"),
      row("runs/s @8", m.runc.tput[0]!, m.runsc.tput[0]!, "/s"),
      row("runs/s @32", m.runc.tput[1]!, m.runsc.tput[1]!, "/s"),
      ["failed runs @8 / @32", m.runc.failed.join(" / "), m.runsc.failed.join(" / "), ""],
    ],
  );
  const ratio = pct(m.runsc.lat, 50) / pct(m.runc.lat, 50);
  console.log("");
  printTable(["goal", "measured", "verdict"], [["warm print(1) under runsc within 1.5x of runc (p50)", `${ratio.toFixed(2)}x`, ratio <= 1.5 ? "met" : "MISSED"]]);
}
