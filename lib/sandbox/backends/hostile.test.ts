// Hostile code against a real backend. Parametrized by backend: HOSTILE_BACKENDS=local,docker
// runs the same cases on each (a backend registers itself in lib/sandbox/registry.ts).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox, SandboxBackend, ToolResult } from "../types";
import type { DockerBackend } from "./docker";
import { dockerGate } from "./docker-test-gate";
import { limitsSchema } from "../types";
import { dockerFromEnv } from "./docker-client";
import { runViaExec } from "./docker-exec";
import { pidsWithMarker } from "./procs";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-hostile-"));
process.env.PLAYGROUND_STATE_DIR = stateDir;
// Default: local, plus docker whenever it is reachable (always under CI; see docker-test-gate.ts).
// After the state dir is set: the gate reads the (cached) server environment.
// "local" runs through the session's fork server (the default); "local-spawn" is the same backend
// with a bwrap spawn per run (PLAYGROUND_LOCAL_FORKSERVER=0). Both paths must hold.
const backendNames = (process.env.HOSTILE_BACKENDS ?? ((await dockerGate()).run ? "local,local-spawn,docker" : "local,local-spawn")).split(",").filter(Boolean);

// A secret the sandbox must not read: the repo's .env when there is one (never created: the test
// writes nothing into the work tree), and always a planted one outside both the repo and /tmp.
const repoEnv = path.resolve(__dirname, "../../../.env");
const SECRET = `RP_HOSTILE_SECRET_${randomUUID()}`;
const plantedDir = mkdtempSync(path.join("/var/tmp", "rp-hostile-app-"));
const plantedEnv = path.join(plantedDir, ".env");
writeFileSync(plantedEnv, `OPENAI_API_KEY=${SECRET}\n`, { mode: 0o644 });
const secretFiles = existsSync(repoEnv) ? [plantedEnv, repoEnv] : [plantedEnv];

afterAll(() => {
  rmSync(plantedDir, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
});

/** Seconds a hostile run gets before it is killed (the session allows more: see beforeAll). */
const RUN_TIMEOUT_S = 4;

/** A process whose command line carries the marker given after it. */
const SLEEPER = "python3 -c 'import time; time.sleep(1000)'";

/** Prints "pid argv0" for every process whose command line holds $RP_MARKER (not itself). */
const SCAN_PROC = `import os
m = os.environ["RP_MARKER"].encode()
for p in os.listdir("/proc"):
    if not p.isdigit() or int(p) == os.getpid():
        continue
    try:
        argv = open(f"/proc/{p}/cmdline", "rb").read().split(b"\\0")
    except OSError:
        continue
    if any(m in a for a in argv):
        print(p, os.path.basename(argv[0].decode(errors="replace")))`;

/**
 * The status each case must end with, where the backends differ by design:
 * - local kills a run whose output passes the drain limit (8 MiB) and says so (error); the Docker
 *   agent keeps draining into the cap and lets the program finish (success).
 * - local runs' parent is bwrap (root-owned when the server is root: killing it is EPERM, exit 1) or,
 *   with the fork server, the session's fork server (same uid: killing it ends the run, error). A
 *   non-root server's bwrap sets up a user namespace and the run's parent is that pid namespace's
 *   init, PID 1, as Docker runs' parent is the agent, PID 1 of the container: a SIGKILL from inside
 *   the namespace cannot touch it. Under gVisor it can: the agent dies, the container exits (137) and
 *   the session gets a fresh one, the result saying so (error). The server is not touched.
 */
type Expect = { print100MB: ToolResult["status"]; killParent: ToolResult["status"]; killAllAndParentSh: ToolResult["status"] };
function expectations(name: string, backend: SandboxBackend, sb: Sandbox): Expect {
  if (sb.isolation === "docker · gVisor") return { print100MB: "success", killParent: "error", killAllAndParentSh: "error" };
  if (name === "docker") return { print100MB: "success", killParent: "success", killAllAndParentSh: "success" };
  const forkServer = (backend as { forkServerEnabled?: boolean }).forkServerEnabled === true;
  const root = process.getuid?.() === 0;
  return { print100MB: "error", killParent: forkServer || root ? "error" : "success", killAllAndParentSh: forkServer ? "error" : "success" };
}

describe.each(backendNames)("hostile code on the %s backend", (name) => {
  let backend: SandboxBackend;
  let sb: Sandbox;
  let bystander: Sandbox;

  beforeAll(async () => {
    const { getBackend } = await import("../registry");
    const b = name === "local-spawn" ? new (await import("./local")).LocalBackend({ forkServer: false }) : getBackend(name);
    if (!b) throw new Error(`backend ${name} is not registered`);
    backend = b;
    // Runs get RUN_TIMEOUT_S (the py and sh helpers); the session allows more for the run that forks
    // up to the process limit, which takes seconds under gVisor (a fork costs ~40 ms on its ptrace platform).
    const limits = { timeout_s: 30, memory_mb: 256, max_processes: 64, file_size_mb: 16, cpu_time_s: 30, output_bytes: 1024 * 1024 };
    sb = await backend.create({ limits });
    bystander = await backend.create({ limits: { timeout_s: 60 } });
  });
  afterAll(async () => {
    await sb?.close();
    await bystander?.close();
    // Releases what the backend holds (the docker backend's warm pool).
    await backend?.shutdown();
  });

  /**
   * Runs hostile code while trivial runs in another session keep answering: one after another for
   * as long as the hostile run lasts (not one run after a guessed pause, which may land before the
   * hostile code starts or after it ends).
   */
  async function withBystander(run: () => Promise<ToolResult>): Promise<ToolResult> {
    let settled = false;
    const hostile = run().finally(() => (settled = true));
    do {
      const trivial = await bystander.executeTool("python_executor", { code: "print('still here')" });
      expect(trivial).toMatchObject({ status: "success", output: "still here\n" });
    } while (!settled);
    return hostile;
  }

  const py = (code: string, timeout = RUN_TIMEOUT_S) => sb.executeTool("python_executor", { code, timeout });
  const gvisor = () => sb.isolation === "docker · gVisor";
  const sh = (command: string, timeout = RUN_TIMEOUT_S) => sb.executeTool("shell_executor", { command, timeout });

  /**
   * Processes whose command line carries the marker. Local runs are host processes; a Docker
   * container's are listed from inside it (a `docker exec`), since under gVisor they are processes
   * of its user-space kernel, which the host's /proc does not show.
   */
  async function withMarker(marker: string): Promise<{ pid: number; argv0: string }[]> {
    if (name !== "docker") {
      return pidsWithMarker(marker).map((pid) => {
        try {
          return { pid, argv0: path.basename(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0]!) };
        } catch {
          return { pid, argv0: "" };
        }
      });
    }
    const db = backend as DockerBackend;
    const container = dockerFromEnv().getContainer(db.containerOf(sb.id)!.id);
    const scan = await runViaExec(db.client, container, { argv: ["python3", "-c", SCAN_PROC], env: { RP_MARKER: marker }, limits: limitsSchema.parse({ timeout_s: 30 }) });
    if (scan.exit_code !== 0) throw new Error(`the process scan in the container failed: ${scan.stderr || scan.failure}`);
    return scan.stdout.split("\n").filter(Boolean).map((l) => ({ pid: Number(l.split(" ")[0]), argv0: l.split(" ")[1] ?? "" }));
  }

  /** Waits until nothing with the marker runs (the kernel reaps a killed namespace asynchronously). */
  async function leftovers(marker: string): Promise<number[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const pids = (await withMarker(marker)).map((p) => p.pid);
      if (pids.length === 0 || Date.now() > deadline) return pids;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it("infinite loop ends in timeout", async () => {
    const m = `m${randomUUID().slice(0, 8)}`;
    const r = await withBystander(() => py(`# ${m}\nwhile True: pass`));
    expect(r.status).toBe("timeout");
    expect(await leftovers(m)).toEqual([]);
  });

  it("fork bomb is contained by the process limit and killed at the timeout", async () => {
    const m = `m${randomUUID().slice(0, 8)}`;
    const code = `# ${m}\nimport os, time\nn = 0\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        n += 1\n        time.sleep(0.01)`;
    const r = await withBystander(() => py(code));
    expect(r.status).toBe("timeout");
    expect(await leftovers(m)).toEqual([]);
    // The script starts the bomb in the background and then spins in a builtin loop (no fork
    // needed), so the run lasts until its timeout on every backend, however fast the bomb burns out.
    const bash = await withBystander(() => sh(`# ${m}b\nb(){ b|b& }; b; while :; do :; done`));
    expect(bash.status).toBe("timeout");
    expect(await leftovers(`${m}b`)).toEqual([]);
    // The process limit is real: the 65th process cannot be created. The same session, so the
    // bombs' processes must be gone; a run's budget beyond RUN_TIMEOUT_S: gVisor forks slowly.
    const count = await py("import os\nkids = 0\ntry:\n    for _ in range(500):\n        if os.fork() == 0:\n            import time; time.sleep(5); os._exit(0)\n        kids += 1\nexcept OSError as e:\n    print('limited at', kids, e.errno)", 30);
    expect(count.output).toMatch(/^limited at \d+ 11\n$/);
    const limitedAt = Number(/at (\d+)/.exec(count.output)?.[1]);
    expect(limitedAt).toBeLessThan(64);
    // A container's uid is its own: 64 less the agent and this run, so nothing of the bombs is left.
    if (name === "docker") expect(limitedAt).toBe(62);
  });

  it("memory bomb fails with MemoryError, or gets the sandbox OOM-killed, instead of eating the host", async () => {
    // Python: MemoryError everywhere. Under gVisor too: RLIMIT_DATA there bounds brk() only, so a
    // Python run also gets RLIMIT_AS at memory_mb (addressSpaceCap in docker-session.ts). The bombs
    // get the session's 30 s, so that the memory limit, not a timeout on a loaded machine, ends them.
    const r = await withBystander(() => py("chunks = []\nwhile True:\n    chunks.append(bytearray(10 * 1024 * 1024))", 30));
    expect(r.status).toBe("error");
    expect(r.stderr).toContain("MemoryError");
    // Any other program (perl here, as the JVM or V8 would, which get no RLIMIT_AS): malloc fails
    // at RLIMIT_DATA, except under gVisor, where the bomb grows to the container's memory cgroup and
    // the host kills the sandbox, its kernel included (not the host's memory). A session of its own
    // with a long timeout, so that the kill, not the timeout, ends the run.
    const perlBomb = `perl -e 'my @a; push @a, "x" x (10 << 20) while 1'`;
    if (!gvisor()) {
      const p = await withBystander(() => sh(perlBomb, 30));
      expect(p.status).toBe("error");
      expect(p.stderr).toContain("Out of memory!");
      return;
    }
    const big = await backend.create({ limits: { timeout_s: 120, memory_mb: 256 }, docker: { memory_mb: 512 } });
    const p = await withBystander(() => big.executeTool("shell_executor", { command: perlBomb })).finally(() => big.close());
    expect(p.status).toBe("error");
    expect(p.error).toMatch(/killed \(exit 137\): out of memory/);
    // The host kept serving: this session's container was never touched.
    expect(await py("print('fresh')")).toMatchObject({ status: "success", output: "fresh\n" });
  });

  it("writing a 1 GiB file stops at the file size limit", async () => {
    const r = await withBystander(() =>
      py("block = b'\\0' * (1 << 20)\nwith open('big.bin', 'wb') as f:\n    for _ in range(1024):\n        f.write(block)"),
    );
    expect(r.status).toBe("error");
    expect(r.stderr).toMatch(/File too large|EFBIG/);
    const ls = await sb.executeTool("file_operation", { operation: "list", file_path: "." });
    const big = (ls.meta?.entries as { name: string; size: number }[]).find((e) => e.name === "big.bin");
    // Written up to the limit (1 MiB blocks, 16 MiB limit), not a byte further.
    expect(big).toMatchObject({ size: 16 * 1024 * 1024 });
    await sb.executeTool("file_operation", { operation: "delete", file_path: "big.bin" });
  });

  it("printing 100 MB is truncated at the cap and never buffered whole", async () => {
    const r = await withBystander(() => py("import sys\nblock = 'x' * (1 << 20)\nfor _ in range(100):\n    sys.stdout.write(block)"));
    expect(r.truncated).toBe(true);
    expect(r.stdout?.length).toBe(1024 * 1024);
    expect(r.status).toBe(expectations(name, backend, sb).print100MB);
    // The cut says how much was written: all of it on Docker (the agent drains), past the 8 MiB
    // drain limit on local (where the run is killed).
    expect(r.output_bytes?.limit).toBe(1024 * 1024);
    if (name === "docker") expect(r.output_bytes?.stdout).toBe(100 * 1024 * 1024);
    else expect(r.output_bytes?.stdout).toBeGreaterThan(8 * 1024 * 1024);
  });

  it("network connections fail (host loopback and outside)", async () => {
    let accepted = 0;
    const server: Server = createServer((s) => {
      accepted++;
      s.end("hello");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await withBystander(() =>
        py(`import socket\nfor host in ['127.0.0.1', '1.1.1.1']:\n    try:\n        socket.create_connection((host, ${port} if host == '127.0.0.1' else 80), timeout=2)\n        print('CONNECTED', host)\n    except OSError as e:\n        print('blocked', host, type(e).__name__)`),
      );
      expect(r.output).not.toContain("CONNECTED");
      expect(r.output).toContain("blocked 127.0.0.1");
      expect(r.output).toContain("blocked 1.1.1.1");
      expect(accepted).toBe(0);
    } finally {
      server.close();
    }
  });

  it.each(secretFiles)("cannot read files outside the session: %s", async (file) => {
    const secretLines = readFileSync(file, "utf8").split("\n").filter((l) => l.includes("="));
    const r = await withBystander(() =>
      sh(`cat ${JSON.stringify(file)} ../.env ../../.env /etc/shadow /root/.bash_history 2>&1; ls / ; find / -name .env -not -path '/proc/*' 2>/dev/null | xargs -r cat`),
    );
    expect(r.output).not.toContain(SECRET);
    for (const line of secretLines) expect(r.output).not.toContain(line);
    const viaPy = await py(`import os\nfor p in [${JSON.stringify(file)}, '/proc/1/root' + ${JSON.stringify(file)}]:\n    try:\n        print(open(p).read())\n    except OSError as e:\n        print('denied', p)`);
    for (const line of secretLines) expect(viaPy.output).not.toContain(line);
    expect(viaPy.output).toBe(`denied ${file}\ndenied /proc/1/root${file}\n`);
  });

  it("killing the parent process or everything (-1) does not touch the server", async () => {
    const want = expectations(name, backend, sb);
    // A process of the server's user outside the sandbox: the server stands in for it, and it must
    // outlive every kill below (the test process itself is not a witness: if it died, nothing
    // would be left to report it).
    const outside = spawn("sleep", ["1000"], { stdio: "ignore" });
    const outsideAlive = () => outside.exitCode === null && outside.signalCode === null;
    try {
      const direct = await py(`import os, signal\ntry:\n    os.kill(${outside.pid}, signal.SIGKILL)\n    print('killed')\nexcept OSError as e:\n    print('not reachable', type(e).__name__)`);
      expect(direct).toMatchObject({ status: "success" });
      expect(direct.output).toMatch(/^not reachable (ProcessLookupError|PermissionError)\n$/);
      const a = await withBystander(() => py(`import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\ntry:\n    os.kill(${outside.pid}, signal.SIGKILL)\nexcept OSError as e:\n    print('not reachable', type(e).__name__)`));
      expect(a.status).toBe(want.killParent);
      const b = await withBystander(() => sh("kill -9 -1; kill -9 $PPID; echo survived"));
      expect(b.status).toBe(want.killAllAndParentSh);
      const c = await withBystander(() => py("import os, signal\nos.kill(-1, signal.SIGKILL)"));
      expect(c.status).toBe("error");
      // The outside process is alive, and the sandbox still works.
      expect(outsideAlive()).toBe(true);
      expect((await py("print('ok')")).output).toBe("ok\n");
    } finally {
      outside.kill("SIGKILL");
    }
  });

  it("background children (nohup, setsid, double fork) do not outlive the run", async () => {
    const m = `m${randomUUID().slice(0, 8)}`;
    const r = await withBystander(() =>
      sh(
        [
          `nohup ${SLEEPER} ${m}-nohup >/dev/null 2>&1 &`,
          `setsid ${SLEEPER} ${m}-setsid >/dev/null 2>&1 < /dev/null &`,
          `python3 -c "import os,time\nif os.fork()==0:\n    os.setsid()\n    if os.fork()==0:\n        time.sleep(1000)\n" ${m}-daemon &`,
          `(${SLEEPER} ${m}-subshell &) ; disown -a`,
          // Prove all four run before the run ends: poll /proc (within the 4 s timeout) for a process whose
          // last argument is each name (this script's own command line holds them only inside
          // longer arguments). Builtins only (mapfile, globs, [[ ]]): under gVisor's ptrace platform
          // a process spawned per pid per round made one round outlast the timeout.
          `scan() { local f a hits=""; for f in /proc/[0-9]*/cmdline; do mapfile -d '' -t a 2>/dev/null < "$f" && (( \${#a[@]} )) || continue; case "\${a[-1]}" in ${m}-*) hits+="|\${a[-1]}|";; esac; done; seen=""; for k in nohup setsid daemon subshell; do [[ \$hits == *"|${m}-\$k|"* ]] && seen+=" \$k"; done; }`,
          `for i in $(seq 400); do scan; [ "$seen" = " nohup setsid daemon subshell" ] && break; sleep 0.05; done`,
          `echo "started:$seen"`,
        ].join("\n"),
      ),
    );
    expect(r.status).toBe("success");
    expect(r.output).toBe("started: nohup setsid daemon subshell\n");
    expect(await leftovers(m)).toEqual([]);
  });

  it("a cancelled run is killed with its whole tree", async () => {
    const m = `m${randomUUID().slice(0, 8)}`;
    const ctl = new AbortController();
    const p = sb.executeTool("shell_executor", { command: `${SLEEPER} ${m} & ${SLEEPER} ${m}`, timeout: RUN_TIMEOUT_S }, { signal: ctl.signal });
    // Both sleepers run (seen in /proc, not assumed after a pause) before the cancel.
    await expect.poll(async () => (await withMarker(m)).filter((p) => p.argv0 === "python3").length, { timeout: 20_000, interval: 50 }).toBe(2);
    ctl.abort();
    const r = await p;
    expect(r.status).toBe("cancelled");
    expect(await leftovers(m)).toEqual([]);
  });

  it("the session directory is gone after close", async () => {
    const s = await backend.create({});
    await s.executeTool("file_operation", { operation: "write", file_path: "x", content: "1" });
    if (name === "docker") {
      // The working directory lives in the session's container, which must be gone.
      const db = backend as DockerBackend;
      const id = db.containerOf(s.id)!.id;
      await s.close();
      expect(await db.ownedContainers()).not.toContain(id);
      return;
    }
    const dir = path.join(stateDir, "sessions", s.id);
    expect(statSync(dir).isDirectory()).toBe(true);
    await s.close();
    expect(existsSync(dir)).toBe(false);
  });
});
