// npm run bench:sandbox — latency and throughput of print(1) per backend, against two baselines:
// a bare `python3 -c` spawn and a slime-style subprocess-per-call tool server.
// Env: BENCH_SECONDS (throughput window per row, default 10), BENCH_RUNS (latency samples, default 200).
// Every available backend in lib/sandbox/registry.ts gets its own rows automatically.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { findPython } from "@/lib/sandbox/python";
import { backendStatuses, getBackend } from "@/lib/sandbox/registry";
import { LocalBackend } from "@/lib/sandbox/backends/local";
import type { Sandbox, SandboxBackend } from "@/lib/sandbox/types";
import { dockerBench } from "./sandbox-docker";
import { pct } from "./stats";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const CONCURRENCY = [1, 8, 32];

interface Target {
  name: string;
  kind: "baseline" | "ours";
  setup?(): Promise<void>;
  /** One print(1) execution; must throw if the output is wrong. */
  once(): Promise<void>;
  teardown?(): Promise<void>;
}

const py = findPython();
if (!py.ok) {
  console.error(py.error.message);
  process.exit(1);
}
const python = py.value.executable;

function bare(): Target {
  return {
    name: "bare python3 -c (baseline)",
    kind: "baseline",
    once: () =>
      new Promise((resolve, reject) => {
        const c = spawn(python, ["-c", "print(1)"], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        c.stdout.on("data", (d) => (out += d));
        c.on("error", reject);
        c.on("close", (code) => (code === 0 && out === "1\n" ? resolve() : reject(new Error(`bare: ${code} ${out}`))));
      }),
  };
}

// A long-lived python "tool server" that, per call, does what slime's PythonSandbox.execute_code does:
// make a temp dir, write the wrapped code to code.py, run `python3 code.py` with subprocess, read
// its output, remove the dir. Calls run in threads (slime calls the blocking subprocess from an
// async function; threads only make this baseline faster).
const slimeServer = String.raw`
import json, os, shutil, subprocess, sys, tempfile, threading
PY = sys.argv[1]
lock = threading.Lock()
def wrap(code):
    body = "\n".join("    " + l for l in code.split("\n"))
    return ("import sys\nimport traceback\nfrom io import StringIO\nout = StringIO()\nerr = StringIO()\n"
            "real_out = sys.stdout\nsys.stdout = out\nsys.stderr = err\ntry:\n" + body +
            "\n    sys.stdout = real_out\n    r = ''\n    if out.getvalue():\n        r += 'Output:\\n' + out.getvalue()\n"
            "    if err.getvalue():\n        r += '\\nErrors:\\n' + err.getvalue()\n    print(r)\n"
            "except Exception as e:\n    sys.stdout = real_out\n    print('Error: ' + str(e) + '\\nTraceback:\\n' + traceback.format_exc())\n")
def handle(req):
    d = tempfile.mkdtemp(prefix="python_sandbox_")
    try:
        p = os.path.join(d, "code.py")
        with open(p, "w") as f:
            f.write(wrap(req["code"]))
        env = dict(os.environ, PYTHONPATH=d, PYTHONUNBUFFERED="1")
        proc = subprocess.Popen([PY, p], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=d, text=True)
        o, e = proc.communicate(timeout=120)
        res = o.strip() if proc.returncode == 0 else "Error: Process exited with code %d\n%s" % (proc.returncode, e)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    with lock:
        sys.stdout.write(json.dumps({"id": req["id"], "result": res}) + "\n")
        sys.stdout.flush()
for line in sys.stdin:
    threading.Thread(target=handle, args=(json.loads(line),)).start()
`;

function slimeStyle(): Target {
  let child: ChildProcessWithoutNullStreams;
  let next = 0;
  const waiting = new Map<number, (r: string) => void>();
  return {
    name: "slime-style subprocess wrapper (baseline)",
    kind: "baseline",
    async setup() {
      child = spawn(python, ["-c", slimeServer, python]);
      child.stderr.on("data", (d) => process.stderr.write(d));
      createInterface({ input: child.stdout }).on("line", (l) => {
        const { id, result } = JSON.parse(l) as { id: number; result: string };
        waiting.get(id)?.(result);
        waiting.delete(id);
      });
    },
    once() {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, (r) => (r === "Output:\n1" ? resolve() : reject(new Error(`slime-style: ${r}`))));
        child.stdin.write(JSON.stringify({ id, code: "print(1)" }) + "\n");
      });
    },
    async teardown() {
      child.stdin.end();
      child.kill();
    },
  };
}

function backendTarget(backend: string, isolated: boolean, label = backend, impl?: SandboxBackend): Target {
  let sb: Sandbox;
  return {
    name: `${label} python_executor${isolated ? "" : " (NOT isolated)"}`,
    kind: "ours",
    async setup() {
      sb = await (impl ?? getBackend(backend)!).create({ tools_config: { python_executor: {} } });
    },
    async once() {
      const r = await sb.executeTool("python_executor", { code: "print(1)" });
      if (r.status !== "success" || r.output !== "1\n") throw new Error(`${backend}: ${JSON.stringify(r)}`);
    },
    async teardown() {
      await sb.close();
    },
  };
}

// Other work on the machine changes the load minute to minute, so targets are measured interleaved
// (sample by sample for latency, in short slices for throughput): every row sees the same load.
async function latencyAll(ts: Target[]): Promise<{ p50: number; p95: number }[]> {
  for (const t of ts) for (let i = 0; i < 5; i++) await t.once(); // warm caches
  const samples: number[][] = ts.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, t] of ts.entries()) {
      const s = performance.now();
      await t.once();
      samples[k]!.push(performance.now() - s);
    }
  }
  return samples.map((xs) => ({ p50: pct(xs, 50), p95: pct(xs, 95) }));
}

async function window(t: Target, concurrency: number, seconds: number): Promise<{ done: number; elapsed: number }> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < end) {
      await t.once();
      done++;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { done, elapsed: (performance.now() - start) / 1000 };
}

const SLICES = 5;
async function throughputAll(ts: Target[], concurrency: number): Promise<number[]> {
  const done = ts.map(() => 0);
  const elapsed = ts.map(() => 0);
  for (let slice = 0; slice < SLICES; slice++) {
    for (const [k, t] of ts.entries()) {
      const w = await window(t, concurrency, SECONDS / SLICES);
      done[k]! += w.done;
      elapsed[k]! += w.elapsed;
    }
  }
  return done.map((d, k) => d / elapsed[k]!);
}

interface Row {
  name: string;
  kind: Target["kind"];
  p50: number;
  p95: number;
  tput: number[];
}

async function main() {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-bench-"));
  process.env.PLAYGROUND_STATE_DIR = stateDir;
  const targets: Target[] = [bare(), slimeStyle()];
  const forkBackend = new LocalBackend({ forkServer: true });
  const spawnBackend = new LocalBackend({ forkServer: false });
  for (const s of await backendStatuses()) {
    if (!s.available) console.log(`(skipping ${s.backend}: ${s.reason})`);
    else if (s.backend === "local") {
      // The fork server only serves isolated runs; without bwrap both rows are the spawn path.
      targets.push(backendTarget("local", s.isolated, "local fork server", forkBackend));
      targets.push(backendTarget("local", s.isolated, "local bwrap spawn per run", spawnBackend));
    } else targets.push(backendTarget(s.backend, s.isolated));
  }
  console.log(`python ${py.ok ? py.value.version : ""} at ${python}; ${os.cpus().length} CPUs; load ${load()}; ${RUNS} latency runs per target (interleaved); ${SECONDS}s per throughput cell (in ${SLICES} interleaved slices)\n`);
  const rows: Row[] = [];
  const loads: Record<string, string> = {};
  let first: { fork: number[]; bare: number[]; create: number[] } = { fork: [], bare: [], create: [] };
  try {
    for (const t of targets) await t.setup?.();
    const lat = await latencyAll(targets);
    loads.latency = load();
    process.stderr.write("latency done\n");
    const tputs: number[][] = targets.map(() => []);
    for (const c of CONCURRENCY) {
      const r = await throughputAll(targets, c);
      r.forEach((x, k) => tputs[k]!.push(x));
      loads[`@${c}`] = load();
      process.stderr.write(`throughput @${c} done\n`);
    }
    first = await firstRuns(forkBackend, targets[0]!);
    loads.first = load();
    targets.forEach((t, k) => rows.push({ name: t.name, kind: t.kind, p50: lat[k]!.p50, p95: lat[k]!.p95, tput: tputs[k]! }));
  } finally {
    for (const t of targets) await t.teardown?.().catch(() => {});
    rmSync(stateDir, { recursive: true, force: true });
  }

  const f1 = (n: number) => n.toFixed(1);
  console.log(`load average (1/5/15 min) after: latency ${loads.latency}; ${CONCURRENCY.map((c) => `@${c} ${loads[`@${c}`]}`).join("; ")}; first runs ${loads.first}\n`);
  const header = ["target", "p50 ms", "p95 ms", ...CONCURRENCY.map((c) => `runs/s @${c}`), "@8 / @1", "@32 / @1"];
  const table = rows.map((r) => [r.name, f1(r.p50), f1(r.p95), ...r.tput.map(f1), `${(r.tput[1]! / r.tput[0]!).toFixed(2)}x`, `${(r.tput[2]! / r.tput[0]!).toFixed(2)}x`]);
  printTable(header, table);

  const [bareRow, slimeRow] = rows;
  console.log("");
  const ratioHeader = ["ours", "p50 / bare", "p50 / slime-style", "runs/s@8 vs bare", "runs/s@32 vs slime-style", "goal p50 <= 0.5x bare", "goal @8,@32 >= 1.8x @1"];
  const ratios = rows
    .filter((r) => r.kind === "ours")
    .map((r) => {
      const pBare = r.p50 / bareRow!.p50;
      const pSlime = r.p50 / slimeRow!.p50;
      const scale = Math.min(r.tput[1]! / r.tput[0]!, r.tput[2]! / r.tput[0]!);
      return [
        r.name,
        `${pBare.toFixed(2)}x`,
        `${pSlime.toFixed(2)}x`,
        `${(r.tput[1]! / bareRow!.tput[1]!).toFixed(2)}x`,
        `${(r.tput[2]! / slimeRow!.tput[2]!).toFixed(2)}x`,
        // The 0.5x goal is the fork server's; the spawn path is there for comparison.
        pBare <= 0.5 ? "met" : "MISSED",
        scale >= 1.8 ? "met" : "MISSED",
      ];
    });
  printTable(ratioHeader, ratios);

  if (first.fork.length) {
    console.log("");
    const med = (xs: number[]) => pct(xs, 50);
    const f = med(first.fork);
    const b = med(first.bare);
    printTable(
      ["first run of a new session (local fork server)", "p50 ms", "bare p50 ms", "ratio", "goal <= 1.3x bare"],
      [
        ["create(), then the first print(1)", f1(f), f1(b), `${(f / b).toFixed(2)}x`, f / b <= 1.3 ? "met" : "MISSED"],
        ["create() itself (pre-warms the fork server)", f1(med(first.create)), "", "", ""],
      ],
    );
  }

  if (process.env.BENCH_DOCKER !== "0") await dockerBench(printTable);
}

function load(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(" ");
}

/** A new session's first run, interleaved with a bare spawn (create() is timed separately). */
async function firstRuns(backend: SandboxBackend, bareTarget: Target): Promise<{ fork: number[]; bare: number[]; create: number[] }> {
  const out = { fork: [] as number[], bare: [] as number[], create: [] as number[] };
  const n = Math.max(10, Math.min(40, Math.floor(RUNS / 5)));
  for (let i = 0; i < n; i++) {
    let s = performance.now();
    const sb = await backend.create({ tools_config: { python_executor: {} } });
    out.create.push(performance.now() - s);
    s = performance.now();
    const r = await sb.executeTool("python_executor", { code: "print(1)" });
    out.fork.push(performance.now() - s);
    if (r.output !== "1\n") throw new Error(`first run: ${JSON.stringify(r)}`);
    await sb.close();
    s = performance.now();
    await bareTarget.once();
    out.bare.push(performance.now() - s);
  }
  return out;
}

function printTable(header: string[], rows: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ") + " |";
  console.log(line(header));
  console.log("|" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|");
  for (const r of rows) console.log(line(r));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
