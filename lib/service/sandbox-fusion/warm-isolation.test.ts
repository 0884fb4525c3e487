// Warm templates (issue 21): every run_code request gets a sandbox no earlier request touched. One
// request leaves something behind (a file, an environment change, a background process, a changed
// module attribute, a SysV shm segment, a named pipe, a listening socket); the next request must
// not see it. Real backends over HTTP: local (forks of the warm template, each with namespaces of
// its own) and Docker (a reused container after the agent's reset), when Docker is reachable.
import { readdirSync, readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-warm-"));
process.env.PLAYGROUND_STATE_DIR = stateDir;
process.env.PLAYGROUND_TRAFFIC_LOG = "memory";

const { dockerGate } = await import("@/lib/sandbox/backends/docker-test-gate");
const backends = (process.env.SF_BACKENDS ?? ((await dockerGate()).run ? "local,docker" : "local")).split(",").filter(Boolean);
const { serveSandboxFusionForTests } = await import("./testing/serve-for-tests");
const { recentTraffic } = await import("@/lib/traffic/recorder");
const srv = serveSandboxFusionForTests(stateDir);

interface Reply {
  status: string;
  run_result: { status: string; stdout: string; stderr: string; return_code: number | null } | null;
}

async function run(code: string, extra: Record<string, unknown> = {}): Promise<Reply> {
  const res = await fetch(`${srv.url()}/sandbox-fusion/run_code`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ language: "python", code, run_timeout: 20, ...extra }) });
  expect(res.status).toBe(200);
  return (await res.json()) as Reply;
}

/** Runs `code` and returns its stdout, failing the test with the run's stderr when it did not succeed. */
async function stdoutOf(code: string): Promise<string> {
  const r = await run(code);
  expect(r.status, r.run_result?.stderr).toBe("Success");
  return r.run_result!.stdout;
}

/** Host pids whose command line contains `marker` (the test runs on the host that runs the sandboxes). */
function hostProcesses(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "utf8").includes(marker)) found.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return found;
}

const SHM_KEY = 0x5a17;
const PORT = 47123;

const LEAVE = `
import ctypes, json, os, socket, subprocess, sys, time
# files, including a named pipe, in every writable place
for d in ("/sandbox", "/tmp", "/dev/shm"):
    if os.path.isdir(d):
        open(os.path.join(d, "left-behind"), "w").write("x")
os.mkfifo("/tmp/left-fifo")
os.mkfifo("left-fifo")
# environment and interpreter state
os.environ["LEFT_BEHIND"] = "1"
os.putenv("LEFT_BEHIND_PUT", "1")
json.left_behind = 1
sys.modules["left_behind_module"] = json
# a SysV shared memory segment
libc = ctypes.CDLL(None, use_errno=True)
shmid = libc.shmget(${SHM_KEY}, 4096, 0o1000 | 0o666)
assert shmid >= 0, ctypes.get_errno()
# a background process that outlives the request, listening on a port and writing a marker later
daemon = '''
import os, socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", ${PORT})); s.listen()
time.sleep(1.5)
for d in ("/sandbox", "/tmp"):
    open(os.path.join(d, "late-marker"), "w").write("x")
time.sleep(300)
'''
subprocess.Popen([sys.executable, "-c", daemon, "warm-isolation-daemon"], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
subprocess.Popen(["sleep", "4242"], start_new_session=True)
time.sleep(0.5)
print("left")
`;

const CHECK = `
import ctypes, json, os, socket, sys, time
time.sleep(2)  # past the moment the daemon would have written its marker
seen = {}
# (the request's own program is /sandbox/main.py)
seen["files"] = sorted(os.path.join(d, n) for d in ("/sandbox", "/tmp", "/dev/shm") if os.path.isdir(d) for n in os.listdir(d) if n != "main.py")
seen["env"] = [k for k in os.environ if k.startswith("LEFT_BEHIND")]
seen["json_attr"] = hasattr(json, "left_behind")
seen["module"] = "left_behind_module" in sys.modules
libc = ctypes.CDLL(None, use_errno=True)
seen["shm_key"] = libc.shmget(${SHM_KEY}, 0, 0) >= 0
seen["shm_rows"] = open("/proc/sysvipc/shm").read().splitlines()[1:]
procs = []
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            cmd = open(f"/proc/{p}/cmdline", "rb").read().replace(b"\\0", b" ").decode()
        except OSError:
            continue
        if "4242" in cmd or "warm-isolation-daemon" in cmd:
            procs.append(cmd)
seen["processes"] = procs
s = socket.socket()
s.settimeout(2)
seen["port_open"] = s.connect_ex(("127.0.0.1", ${PORT})) == 0
print(json.dumps(seen))
`;

describe.each(backends)("warm templates on the %s backend", (backend) => {
  beforeAll(async () => {
    process.env.PLAYGROUND_API_BACKEND = backend;
    // One slot: on Docker the next request then gets the very container the last one used.
    process.env.PLAYGROUND_API_CONCURRENCY_DOCKER = "1";
    (await import("@/lib/env")).resetServerEnvForTests();
  });
  afterAll(async () => {
    delete process.env.PLAYGROUND_API_BACKEND;
    delete process.env.PLAYGROUND_API_CONCURRENCY_DOCKER;
    (await import("@/lib/env")).resetServerEnvForTests();
  });

  it("Traffic says when a request waited for a cold sandbox", async () => {
    // The first request on this backend finds no warm (local) or parked (Docker) sandbox.
    await stdoutOf("print(1)");
    const first = recentTraffic().at(-1)!;
    expect(first.cold_ms).toBeGreaterThanOrEqual(0);
    // The pool refills behind it: within a few calls one is served warm.
    let warm = false;
    for (let i = 0; i < 20 && !warm; i++) {
      await stdoutOf("print(2)");
      warm = recentTraffic().at(-1)!.cold_ms === undefined;
    }
    expect(warm).toBe(true);
  }, 120_000);

  it("a request sees nothing an earlier request left behind", async () => {
    // The check itself must be able to see each thing: run it right after leaving them, in the same request.
    const selfCheck = await stdoutOf(`${LEAVE}\n${CHECK}`);
    const inSame = JSON.parse(selfCheck.split("\n").filter(Boolean).at(-1)!) as Record<string, unknown>;
    expect(inSame.files).toEqual(expect.arrayContaining(["/sandbox/left-behind", "/tmp/left-behind", "/tmp/left-fifo", "/sandbox/left-fifo", "/tmp/late-marker"]));
    expect(inSame.env).toEqual(expect.arrayContaining(["LEFT_BEHIND"]));
    expect(inSame).toMatchObject({ json_attr: true, module: true, shm_key: true, port_open: true });
    expect((inSame.processes as string[]).length).toBeGreaterThanOrEqual(2);

    expect(await stdoutOf(LEAVE)).toBe("left\n");
    const next = JSON.parse(await stdoutOf(CHECK)) as Record<string, unknown>;
    expect(next).toEqual({ files: [], env: [], json_attr: false, module: false, shm_key: false, shm_rows: [], processes: [], port_open: false });
    // Killed, not only hidden: nothing of theirs is left on the host either.
    expect(hostProcesses("warm-isolation-daemon")).toEqual([]);
    expect(hostProcesses("sleep\0" + "4242")).toEqual([]);
  }, 120_000);

  it("the template's modules are imported already, and random is seeded per request", async () => {
    const a = await stdoutOf("import sys, random; print('json' in sys.modules, random.random())");
    const b = await stdoutOf("import sys, random; print('json' in sys.modules, random.random())");
    expect(a.split(" ")[0]).toBe("True");
    expect(a).not.toBe(b);
  }, 60_000);

});
