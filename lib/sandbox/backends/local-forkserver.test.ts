// The local fork server against the plain bwrap spawn, side by side: a run must not be able to
// tell which one it got (beyond the documented differences), and the guarantees (limits, timeout
// kills the tree, a dead zygote is replaced and said so) hold on the fork path.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { underCi } from "@/lib/testing/ci";
import { limitsSchema, type RunOutcome, type RunSpec, type Sandbox, type SandboxRuntime } from "../types";
import { LocalBackend } from "./local";
import { canRunInline } from "./local-forkserver";
import { probeLocalHost } from "./local-host";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-forkserver-"));
process.env.PLAYGROUND_STATE_DIR = stateDir;
const { resetServerEnvForTests } = await import("@/lib/env");
resetServerEnvForTests();

const host = probeLocalHost();
// Under CI bwrap is installed by .ci/run: the fork server must be exercised, never skipped.
const runIt = host.bwrap || underCi ? it : it.skip;

const fork = new LocalBackend({ forkServer: true });
const spawnBackend = new LocalBackend({ forkServer: false });
let fsb: Sandbox;
let ssb: Sandbox;
let frt: SandboxRuntime;
let srt: SandboxRuntime;
const limits = limitsSchema.parse({ timeout_s: 5, max_processes: 32, memory_mb: 512 });
const python = host.python?.executable ?? "python3";
/** Python that prints how many `sleep` processes it sees in /proc. */
const countSleeps = `import os
def comm(p):
    try:
        return open(f"/proc/{p}/comm").read().strip()
    except OSError:
        return ""
print(sum(1 for p in os.listdir("/proc") if p.isdigit() and comm(p) == "sleep"))`;

beforeAll(async () => {
  fsb = await fork.create({ limits });
  ssb = await spawnBackend.create({ limits });
  frt = fork.runtimeOf(fsb.id)!;
  srt = spawnBackend.runtimeOf(ssb.id)!;
});
afterAll(async () => {
  await fork.shutdown();
  await spawnBackend.shutdown();
  rmSync(stateDir, { recursive: true, force: true });
});

const env = { LANG: "C.UTF-8", LC_ALL: "C.UTF-8" };
function py(code: string, extra: Partial<RunSpec> = {}): RunSpec {
  return { argv: [python, "-c", code], env, limits, ...extra };
}
async function both(spec: RunSpec): Promise<[RunOutcome, RunOutcome]> {
  return [await frt.run(spec), await srt.run(spec)];
}

// Everything a program can observe about how it was started.
const introspect = String.raw`
import sys, os, resource, json
m = sys.modules["__main__"]
print(json.dumps({
  "name": __name__, "globals": sorted(k for k in globals() if k not in ("sys", "os", "resource", "json", "m")),
  "loader": repr(getattr(m, "__loader__", None)), "spec": repr(m.__spec__), "package": m.__package__, "doc": m.__doc__,
  "argv": sys.argv, "path": sys.path, "cwd": os.getcwd(),
  "modules": sorted(k for k in sys.modules if k not in ("json", "json.decoder", "json.scanner", "json.encoder", "_json", "resource")),
  "env": dict(os.environ), "flags": str(sys.flags),
  "pgid_is_self": os.getpgid(0) == os.getpid(), "sid_is_self": os.getsid(0) == os.getpid(),
  "uid": os.getuid(), "ppid_is_1": os.getppid() == 1,
  "limits": {n: resource.getrlimit(getattr(resource, n)) for n in ("RLIMIT_AS", "RLIMIT_DATA", "RLIMIT_CPU", "RLIMIT_NPROC", "RLIMIT_FSIZE", "RLIMIT_CORE")},
  "stdin_tty": sys.stdin.isatty(), "stdout_buffering": sys.stdout.line_buffering, "stdout_enc": sys.stdout.encoding,
  "stdin_kind": os.path.realpath("/proc/self/fd/0").split(":")[0],
  "fds": sorted(int(f) for f in os.listdir("/proc/self/fd")),
  "dont_write_bytecode": sys.dont_write_bytecode,
}, sort_keys=True))
`;

describe("which runs may fork from the zygote", () => {
  it("only a plain `python -c` without start-up-only PYTHON* variables or the opt-out", () => {
    const py3 = "/usr/bin/python3";
    expect(canRunInline([py3, "-c", "1"], {}, py3)).toBe(true);
    expect(canRunInline(["python3", "-c", "1"], { PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" }, py3)).toBe(true);
    expect(canRunInline([py3, "-c", "1"], { PYTHONPATH: "/x" }, py3)).toBe(false);
    expect(canRunInline([py3, "-c", "1"], { PYTHONHASHSEED: "0" }, py3)).toBe(false);
    expect(canRunInline([py3, "-c", "1"], { PLAYGROUND_FORKSERVER: "0" }, py3)).toBe(false);
    expect(canRunInline([py3, "script.py"], {}, py3)).toBe(false);
    // The warm template also runs a script inline (run_code's `python3 main.py`), never an option.
    expect(canRunInline([py3, "main.py", "a"], {}, py3, true)).toBe("script");
    expect(canRunInline([py3, "-m", "x.py"], {}, py3, true)).toBe(false);
    expect(canRunInline([py3, "main.py"], { PYTHONPATH: "/x" }, py3, true)).toBe(false);
    expect(canRunInline(["/bin/sh", "-c", "1"], {}, py3)).toBe(false);
    expect(canRunInline([py3, "-c", "1"], {}, null)).toBe(false);
  });
});

describe("local fork server", () => {
  runIt("a forked python -c is indistinguishable from a fresh interpreter", async () => {
    const [f, s] = await both(py(introspect));
    expect(f.stderr).toBe("");
    expect(s.stderr).toBe("");
    const a = JSON.parse(f.stdout) as Record<string, unknown>;
    const b = JSON.parse(s.stdout) as Record<string, unknown>;
    // Documented differences: the fork is its own process group and session leader (so a kill of
    // the group reaches all of it), its parent is its supervisor rather than bwrap's init, and each
    // session has its own uid.
    expect(a.pgid_is_self).toBe(true);
    expect(a.sid_is_self).toBe(true);
    expect(a.uid).not.toBe(0);
    expect(b.uid).not.toBe(0);
    // The fork holds stdio only (3 is listdir's own fd); a spawn may inherit a stray descriptor from bwrap.
    expect(a.fds).toEqual([0, 1, 2, 3]);
    for (const k of ["ppid_is_1", "pgid_is_self", "sid_is_self", "uid", "fds"]) {
      delete a[k];
      delete b[k];
    }
    expect(a).toEqual(b);
  });

  runIt("stdin arrives exactly, no newline added, on both paths", async () => {
    const code = "import sys; d=sys.stdin.buffer.read(); print(repr(d))";
    const [f, s] = await both(py(code, { stdin: "a\nb" }));
    expect(f.stdout).toBe("b'a\\nb'\n");
    expect(s.stdout).toBe(f.stdout);
    const [f2, s2] = await both(py(code));
    expect(f2.stdout).toBe("b''\n");
    expect(s2.stdout).toBe("b''\n");
  });

  runIt("exit codes, signals, tracebacks and SyntaxErrors match", async () => {
    for (const code of ["import sys; sys.exit(3)", "raise ValueError('boom')", "def f(:\n  pass", "import os, signal; os.kill(os.getpid(), signal.SIGTERM)", "import sys; sys.exit('bye')", "print('x', end='')"]) {
      const [f, s] = await both(py(code));
      expect({ code, exit: f.exit_code, signal: f.signal, stdout: f.stdout, stderr: f.stderr }).toEqual({ code, exit: s.exit_code, signal: s.signal, stdout: s.stdout, stderr: s.stderr });
    }
  });

  runIt("non-python commands run through the same fork server (exec) with the same results", async () => {
    const spec: RunSpec = { argv: ["/bin/bash", "-c", "echo $0 $HOME; pwd; read x; echo got:$x; exit 7"], env, limits, stdin: "hello\n" };
    const [f, s] = await both(spec);
    expect(f.stdout).toBe("/bin/bash /sandbox\n/sandbox\ngot:hello\n");
    expect(f.exit_code).toBe(7);
    expect([s.stdout, s.exit_code]).toEqual([f.stdout, f.exit_code]);
    const missing = await frt.run({ argv: ["/no/such/binary"], env, limits });
    expect(missing.failure).toMatch(/no\/such\/binary/);
  });

  runIt("a timeout kills the whole tree, including a daemonized grandchild", async () => {
    const marker = `rp-fs-${Date.now()}`;
    // Popen returns once the grandchild has exec'd, so "started" means it runs. 4 s leaves a loaded
    // machine time to get there (1 s did not always: no output, and nothing proven about the kill).
    const code = `import os, subprocess, time
subprocess.Popen(["python3", "-c", "import os,time; os.setsid(); time.sleep(600)", "${marker}"], start_new_session=True)
print("started", flush=True)
time.sleep(600)`;
    const r = await frt.run(py(code, { limits: { ...limits, timeout_s: 4 } }));
    expect(r.timed_out).toBe(true);
    expect(r.stdout).toBe("started\n");
    const check = await frt.run(py(`import os\nprint(sum(1 for p in os.listdir('/proc') if p.isdigit() and b'${marker}' in open(f'/proc/{p}/cmdline','rb').read()))`));
    expect(check.stdout).toBe("0\n");
  });

  runIt("background leftovers die when the run ends, as with a spawn", async () => {
    // Popen returns once `sleep` has exec'd: it runs when the run ends.
    const code = "import subprocess; subprocess.Popen(['sleep', '300']); print('bye')";
    const r = await frt.run(py(code));
    expect(r.stdout).toBe("bye\n");
    // Scans /proc itself (no procps needed, and no `|| true` that would pass without it).
    const check = await frt.run(py(countSleeps));
    expect(check.stdout).toBe("0\n");
  });

  runIt("the memory limit binds in a fork", async () => {
    const r = await frt.run(py("x = bytearray(900 * 1024 * 1024)\nprint('allocated')"));
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("MemoryError");
  });

  runIt("a run that kills the zygote fails with a reason, and the next run gets a new one that says so", async () => {
    // The zygote is the supervisor's parent: same uid, so a run can signal it.
    const r = await frt.run(py("import os, signal, time\nsup = os.getppid()\nz = int(open(f'/proc/{sup}/stat').read().rsplit(')', 1)[1].split()[1])\nos.kill(z, signal.SIGKILL)\ntime.sleep(5)"));
    expect(r.failure ?? "").toMatch(/fork server/);
    const next = await frt.run(py("print('alive')"));
    expect(next.stdout).toBe("alive\n");
    expect((next.notices ?? []).join(" ")).toMatch(/fork server was replaced/);
  });

  runIt("a zygote slow to report a timed-out run's kill costs that run's answer only, never the concurrent runs", async () => {
    // The mixed load of bench:api under load: a run times out, the zygote takes seconds to report
    // the kill, and the whole fork server was killed with every other run in it. Here the slow
    // zygote is a stopped one (the timed-out run stops it), resumed once that run has answered.
    const other = frt.run(py("import time; time.sleep(7); print(6 * 7)", { limits: { ...limits, timeout_s: 20 } }));
    await new Promise((r) => setTimeout(r, 500));
    const stuck = await frt.run(
      py("import os, signal, time\nsup = os.getppid()\nz = int(open(f'/proc/{sup}/stat').read().rsplit(')', 1)[1].split()[1])\nprint(z, os.getuid(), flush=True)\nos.kill(z, signal.SIGSTOP)\ntime.sleep(100)", {
        limits: { ...limits, timeout_s: 1 },
      }),
    );
    expect(stuck.timed_out).toBe(true);
    const [z, uid] = stuck.stdout.trim().split(" ").map(Number);
    // Resume the zygote: its host pid is the stopped fork server of that uid whose innermost pid is z.
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      let status = "";
      try {
        status = readFileSync(`/proc/${pid}/status`, "utf8");
      } catch {
        continue;
      }
      const nspid = /^NSpid:\s+(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/).map(Number) ?? [];
      const realUid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
      if (realUid === uid && nspid.length > 1 && nspid.at(-1) === z) process.kill(Number(pid), "SIGCONT");
    }
    const r = await other;
    expect(r.failure).toBeUndefined();
    expect(r.stdout).toBe("42\n");
    expect(r.exit_code).toBe(0);
  });

  runIt("/tmp is emptied between runs of an idle session", async () => {
    await frt.run(py("open('/tmp/left-behind', 'w').write('x')"));
    const r = await frt.run(py("import os; print(os.path.exists('/tmp/left-behind'))"));
    expect(r.stdout).toBe("False\n");
  });

  runIt("cancel via AbortSignal ends the run", async () => {
    const ctl = new AbortController();
    const p = frt.run(py("import time; time.sleep(30)", { signal: ctl.signal }));
    setTimeout(() => ctl.abort(), 300);
    const r = await p;
    expect(r.cancelled).toBe(true);
    expect(r.timed_out).toBe(false);
  });
});
