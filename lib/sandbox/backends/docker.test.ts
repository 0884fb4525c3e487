// Docker backend integration tests: real dockerd, real sandbox image. See docker-test-gate.ts for
// when they run (always under CI=true; skipped loudly when Docker is unreachable locally).
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../types";
import { DockerBackend } from "./docker";
import { dockerFromEnv } from "./docker-client";
import { APP, LABEL_APP, LABEL_CREATED, LABEL_OWNER, LABEL_SESSION } from "./docker-reaper";
import { dockerGate } from "./docker-test-gate";

const gate = await dockerGate();
const docker = dockerFromEnv();
const repo = path.resolve(__dirname, "../../..");

async function until(cond: () => Promise<boolean> | boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("docker backend without a daemon", () => {
  it("reports an unreachable daemon as unavailable with the reason, without throwing", async () => {
    const b = new DockerBackend({ docker: new Docker({ socketPath: "/nonexistent/docker.sock" }), poolSize: 0 });
    const a = await b.availability();
    expect(a.available).toBe(false);
    expect(a.reason).toMatch(/not reachable/);
    expect(a.reason).toContain("ENOENT");
    await expect(b.create({})).rejects.toThrow();
    await b.shutdown();
  });
});

describe.runIf(gate.run)("docker backend (real dockerd)", () => {
  const backends: DockerBackend[] = [];
  const make = (opts: ConstructorParameters<typeof DockerBackend>[0] = {}) => {
    const b = new DockerBackend({ poolSize: 0, ...opts });
    backends.push(b);
    return b;
  };
  let b: DockerBackend;
  let sb: Sandbox;

  beforeAll(async () => {
    b = make({ poolSize: 0 });
    sb = await b.create({ limits: { timeout_s: 10, max_processes: 64, memory_mb: 256 } }, { sessionId: `t-${process.pid}` });
  });

  afterAll(async () => {
    for (const x of backends) await x.shutdown();
    // Nothing leaked: no container of any backend made here is left.
    for (const x of backends) expect(await x.ownedContainers()).toEqual([]);
    const mine = await docker.listContainers({ all: true, filters: { label: [`${LABEL_APP}=${APP}`] } });
    const ours = mine.filter((c) => (c.Labels[LABEL_OWNER] ?? "").startsWith(`${os.hostname()}/${process.pid}/`));
    expect(ours).toEqual([]);
  });

  it("declares the image's languages and the hardening it applies", async () => {
    const a = await b.availability();
    expect(a.available).toBe(true);
    expect(a.isolated).toBe(true);
    for (const l of ["python", "bash", "nodejs", "c", "cpp", "go"]) expect(a.languages).toContain(l);
  });

  it("reports a missing image with the command that builds it", async () => {
    const a = await make({ image: "rollout-playground-sandbox:does-not-exist" }).availability();
    expect(a.available).toBe(false);
    expect(a.reason).toContain("npm run sandbox:image");
  });

  it("creates hardened, labelled containers", async () => {
    const id = b.containerOf(sb.id)!.id;
    const info = await docker.getContainer(id).inspect();
    const hc = info.HostConfig;
    expect(hc.NetworkMode).toBe("none");
    expect(hc.ReadonlyRootfs).toBe(true);
    expect(hc.CapDrop).toEqual(["ALL"]);
    expect(hc.SecurityOpt).toContain("no-new-privileges");
    // The runtime asked for, and under gVisor a host pids limit sized for its kernel's threads.
    const gvisor = sb.isolation === "docker · gVisor";
    expect(hc.Runtime).toBe(gvisor ? "runsc" : "runc");
    expect(hc.PidsLimit).toBe(gvisor ? 4096 : 256);
    expect(sb.isolation).toBe(process.env.PLAYGROUND_DOCKER_RUNTIME === "runsc" ? "docker · gVisor" : "docker · runc");
    expect(hc.Memory).toBe(2048 * 1024 * 1024);
    expect(hc.NanoCpus).toBe(1e9);
    expect(Object.keys(hc.Tmpfs ?? {}).sort()).toEqual(["/mnt", "/sandbox", "/tmp"]);
    expect(info.Config.User).toMatch(/^[1-9]\d+:\d+$/);
    expect(info.Config.Labels[LABEL_APP]).toBe(APP);
    expect(info.Config.Labels[LABEL_SESSION]).toBe(sb.id);
    expect(Date.parse(info.Config.Labels[LABEL_CREATED] ?? "")).toBeGreaterThan(0);
  });

  it("runs python, shell and file operations in /sandbox", async () => {
    const r = await sb.executeTool("python_executor", { code: "import os\nprint(os.getcwd(), 6*7)" });
    expect(r).toMatchObject({ status: "success", output: "/sandbox 42\n", exit_code: 0, isolated: true });
    const w = await sb.executeTool("file_operation", { operation: "write", file_path: "dir/a.txt", content: "hello" });
    expect(w.status).toBe("success");
    const cat = await sb.executeTool("shell_executor", { command: "cat dir/a.txt; echo; echo err >&2; exit 3" });
    expect(cat).toMatchObject({ status: "error", exit_code: 3, stdout: "hello\n", stderr: "err\n" });
    const read = await sb.executeTool("file_operation", { operation: "read", file_path: "/sandbox/dir/a.txt" });
    expect(read.output).toBe("hello");
    const esc = await sb.executeTool("file_operation", { operation: "read", file_path: "../etc/passwd" });
    expect(esc.status).toBe("error");
    await sb.executeTool("shell_executor", { command: "ln -s /etc/passwd link" });
    const viaLink = await sb.executeTool("file_operation", { operation: "read", file_path: "link" });
    expect(viaLink).toMatchObject({ status: "error" });
    expect(viaLink.error).toMatch(/outside|symlink/);
  });

  it("start-up-only PYTHON* variables of the sandbox's env are honoured (such runs skip the inline fork)", async () => {
    const pp = await b.create({ env: { PYTHONPATH: "/sandbox/pp" } }, { sessionId: `pp-${process.pid}` });
    try {
      const w = await pp.executeTool("file_operation", { operation: "write", file_path: "pp/ppmod.py", content: "X = 'from PYTHONPATH'\n" });
      expect(w.status).toBe("success");
      // Run from elsewhere, so only PYTHONPATH can find the module.
      const r = await pp.executeTool("python_executor", { code: "import os, sys; os.chdir('/tmp'); import ppmod; print(ppmod.X, sys.path[1])" });
      expect(r).toMatchObject({ status: "success", output: "from PYTHONPATH /sandbox/pp\n" });
    } finally {
      await pp.close();
    }
  });

  it("a python run behaves like a fresh `python3 -c` (tracebacks, exit codes, no state)", async () => {
    const a = await sb.executeTool("python_executor", { code: "x = 1\nraise ValueError('boom')" });
    expect(a.status).toBe("error");
    expect(a.exit_code).toBe(1);
    expect(a.stderr).toBe('Traceback (most recent call last):\n  File "<string>", line 2, in <module>\nValueError: boom\n');
    const b2 = await sb.executeTool("python_executor", { code: "print('x' in globals())" });
    expect(b2.output).toBe("False\n");
    const c = await sb.executeTool("python_executor", { code: "import sys; sys.exit(5)" });
    expect(c.exit_code).toBe(5);
  });

  describe("escape attempts", () => {
    it("cannot write to the root filesystem", async () => {
      const r = await sb.executeTool("shell_executor", { command: "touch /etc/x /usr/x /x 2>&1; ls /etc/x /usr/x /x 2>/dev/null; echo done" });
      // gVisor checks the (root-owned) directory's permission before the read-only mount.
      const refusal = sb.isolation === "docker · gVisor" ? /Permission denied/g : /Read-only file system/g;
      expect(r.output.match(refusal)?.length).toBe(3);
      expect(r.output.endsWith("\ndone\n")).toBe(true);
      expect(r.output).not.toMatch(/^\/(etc\/|usr\/)?x$/m);
    });

    it("cannot mount anything", async () => {
      const r = await sb.executeTool("shell_executor", { command: "mkdir -p m; mount -t tmpfs none m 2>&1; mount --bind / m 2>&1; unshare -rm true 2>&1; echo rc=$?" });
      expect(r.output).not.toMatch(/^rc=0$/m);
      expect(r.output).toMatch(/permission denied|must be superuser|Operation not permitted/i);
    });

    it("cannot raise privileges (setuid binaries, setuid(), capabilities)", async () => {
      // A setuid-root binary started on a terminal: while su waits at its password prompt, the
      // kernel's view of its uids says whether the setuid bit took effect (it does without
      // no-new-privileges: "Uid: 1000 0 0 0"). The image's su must be setuid root, or this proves nothing.
      const setuidProbe = [
        "import os, pty, stat, time",
        "st = os.stat('/usr/bin/su')",
        "print('su-mode:', 'setuid-root' if st.st_mode & stat.S_ISUID and st.st_uid == 0 else oct(st.st_mode))",
        "pid, fd = pty.fork()",
        "if pid == 0:",
        "    os.execv('/usr/bin/su', ['su', 'root', '-c', 'true'])",
        "buf, end = b'', time.time() + 60",
        "while b'assword' not in buf and time.time() < end:",
        "    try:",
        "        buf += os.read(fd, 1024)",
        "    except OSError:",
        "        break",
        "print('su-prompt:', b'assword' in buf)",
        "print('su-uids:', ' '.join(next(l for l in open(f'/proc/{pid}/status') if l.startswith('Uid:')).split()[1:]))",
        "os.kill(pid, 9)",
      ].join("\n");
      // A session of its own: a slow machine gets a minute, not the shared session's 10 s.
      await using own = await b.create({ limits: { timeout_s: 60 } });
      const r = await own.executeTool("shell_executor", {
        command: [
          "grep -E '^(CapEff|CapPrm|CapBnd)' /proc/self/status",
          // From the kernel (gVisor's /proc/self/status has no NoNewPrivs line): PR_GET_NO_NEW_PRIVS = 39.
          "python3 -c 'import ctypes; print(\"NoNewPrivs:\", ctypes.CDLL(None).prctl(39, 0, 0, 0, 0))'",
          "id -u",
          "python3 -c 'import os; os.setuid(0)' 2>&1 | tail -1",
          "command -v sudo || echo no-sudo",
          `python3 - <<'PY'\n${setuidProbe}\nPY`,
        ].join("\n"),
      });
      expect(r.status, r.error).toBe("success");
      expect(r.output).toMatch(/CapEff:\s+0000000000000000/);
      expect(r.output).toMatch(/CapPrm:\s+0000000000000000/);
      expect(r.output).toMatch(/CapBnd:\s+0000000000000000/);
      expect(r.output).toMatch(/NoNewPrivs:\s+1/);
      expect(r.output).toMatch(/PermissionError|Operation not permitted/);
      expect(r.output).toContain("no-sudo");
      const uid = Number(/^(\d+)$/m.exec(r.output)?.[1]);
      expect(uid).toBeGreaterThan(0);
      // su is setuid root, it ran (its prompt came), and all four of its uids are the caller's.
      expect(r.output).toContain("su-mode: setuid-root\n");
      expect(r.output).toContain("su-prompt: True\n");
      expect(r.output).toContain(`su-uids: ${uid} ${uid} ${uid} ${uid}\n`);
    });

    it("cannot reach the Docker socket or the network", async () => {
      const r = await sb.executeTool("shell_executor", {
        // The interfaces from the kernel (gVisor has no /sys/class/net).
        command: "ls -la /var/run/docker.sock /run/docker.sock 2>&1; python3 -c \"import socket; s=socket.socket(socket.AF_UNIX); s.connect('/var/run/docker.sock')\" 2>&1 | tail -1; python3 -c 'import socket; print(socket.if_nameindex())'",
      });
      expect(r.output).toMatch(/No such file or directory|Invalid argument/);
      expect(r.output).toMatch(/FileNotFoundError/);
      expect(r.output).toMatch(/^\[\(1, 'lo'\)\]$/m);
    });

    it("consuming all pids leaves the container serving", async () => {
      const bomb = await sb.executeTool("python_executor", {
        code: "import os, time\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        time.sleep(0.01)",
        timeout: 2,
      });
      expect(bomb.status).toBe("timeout");
      const after = await sb.executeTool("python_executor", { code: "print('alive')" });
      expect(after.output).toBe("alive\n");
      const ps = await sb.executeTool("python_executor", { code: "import os; print(sum(p.isdigit() for p in os.listdir('/proc')))" });
      // The agent and this run (plus a transient helper or two): no survivors of the bomb.
      expect(Number(ps.output.trim())).toBeLessThanOrEqual(6);
    });
  });

  it("a timeout kills the whole process tree inside the container", async () => {
    // All three sleeps are seen running (in /proc, no procps needed) before the timeout hits.
    const sleeps = "n=0; for c in /proc/[0-9]*/comm; do [ \"$(cat $c 2>/dev/null)\" = sleep ] && n=$((n+1)); done; echo $n";
    const r = await sb.executeTool("shell_executor", {
      command: `sleep 100 & sleep 100 & setsid sleep 100 &\nuntil [ "$(${sleeps})" = 3 ]; do sleep 0.05; done; echo started; wait`,
      timeout: 4,
    });
    expect(r).toMatchObject({ status: "timeout", stdout: "started\n" });
    const ps = await sb.executeTool("shell_executor", { command: sleeps });
    expect(ps.output).toBe("0\n");
  });

  it("cancelling a run kills it and answers cancelled", async () => {
    const ctl = new AbortController();
    const p = sb.executeTool("shell_executor", { command: "sleep 30" }, { signal: ctl.signal });
    await new Promise((r) => setTimeout(r, 300));
    ctl.abort();
    expect((await p).status).toBe("cancelled");
  });

  it("a dead container is detected and replaced, and the result explains it", async () => {
    const s = await b.create({});
    await s.executeTool("file_operation", { operation: "write", file_path: "keep.txt", content: "x" });
    const first = b.containerOf(s.id)!.id;
    await docker.getContainer(first).kill();
    const r = await s.executeTool("python_executor", { code: "print(1)" });
    // The run itself went to the fresh container; the result says what happened.
    expect(r.status).toBe("success");
    expect(r.notices?.join(" ")).toMatch(/had stopped \(exit 137/);
    expect(r.notices?.join(" ")).toMatch(/replaced with a fresh container/);
    expect((await s.executeTool("file_operation", { operation: "exists", file_path: "keep.txt" })).output).toBe("false");
    const second = b.containerOf(s.id)!.id;
    expect(second).not.toBe(first);
    expect((await s.executeTool("python_executor", { code: "print(2)" })).output).toBe("2\n");
    await s.close();
  });

  it("a wedged (frozen) container is replaced after its timeout", async () => {
    const s = await b.create({ limits: { timeout_s: 1 } });
    const first = b.containerOf(s.id)!.id;
    await docker.getContainer(first).pause();
    const r = await s.executeTool("python_executor", { code: "print(1)" });
    expect(r.status).toBe("error");
    expect(r.error).toMatch(/stopped answering/);
    expect(b.containerOf(s.id)!.id).not.toBe(first);
    expect((await s.executeTool("python_executor", { code: "print(3)" })).output).toBe("3\n");
    await s.close();
    await until(async () => !(await docker.listContainers({ all: true })).some((c) => c.Id === first), "the frozen container to go");
  }, 180_000);

  it("the warm pool serves new sessions and refills in the background", async () => {
    const pb = make({ poolSize: 2 });
    await pb.warm(2);
    const warm = pb.poolIds();
    expect(warm).toHaveLength(2);
    const s = await pb.create({});
    const c = pb.containerOf(s.id)!;
    expect(c.fromPool).toBe(true);
    expect(warm).toContain(c.id);
    await until(() => pb.warmCount === 2, "the pool to refill");
    expect(pb.poolIds()).not.toContain(c.id);
    // A session whose hardening differs cannot take a pooled container.
    const custom = await pb.create({ docker: { pids_limit: 100 } });
    expect(pb.containerOf(custom.id)!.fromPool).toBe(false);
    expect((await custom.executeTool("python_executor", { code: "print('ok')" })).output).toBe("ok\n");
    await s.close();
    await custom.close();
    await pb.shutdown();
    expect(await pb.ownedContainers()).toEqual([]);
  });

  it("reaps orphans of dead processes at start-up and leaves live owners alone", async () => {
    const mk = (owner: string) =>
      docker.createContainer({
        Image: b.image,
        Entrypoint: ["sleep", "600"],
        Labels: { [LABEL_APP]: APP, [LABEL_OWNER]: owner, [LABEL_SESSION]: "orphan-test", [LABEL_CREATED]: new Date().toISOString() },
        HostConfig: { NetworkMode: "none" },
      });
    const dead = await mk(`${os.hostname()}/999999999/deadbeef`);
    const live = await mk(`${os.hostname()}/${process.pid}/someone-else`);
    try {
      const rb = make();
      const n = await rb.reapOrphans();
      expect(n).toBeGreaterThanOrEqual(1);
      const ids = (await docker.listContainers({ all: true })).map((c) => c.Id);
      expect(ids).not.toContain(dead.id);
      expect(ids).toContain(live.id);
    } finally {
      await live.remove({ force: true });
      await dead.remove({ force: true }).catch(() => {});
    }
  });

  it("the plain `docker exec` transport (fallback and benchmark baseline) runs and times out", async () => {
    const eb = make({ transport: "exec" });
    const s = await eb.create({ limits: { timeout_s: 2 } });
    const r = await s.executeTool("python_executor", { code: "import os\nprint(os.getcwd())" });
    expect(r).toMatchObject({ status: "success", output: "/sandbox\n", exit_code: 0 });
    const e = await s.executeTool("shell_executor", { command: "echo oops >&2; exit 7" });
    expect(e).toMatchObject({ status: "error", exit_code: 7, stderr: "oops\n" });
    const t = await s.executeTool("shell_executor", { command: "sleep 30" });
    expect(t.status).toBe("timeout");
    await s.close();
  });

  it("`cli exec --backend docker` works like local", async () => {
    const input = [
      { tool: "python_executor", args: { code: "print(21*2)" } },
      { tool: "file_operation", args: { operation: "write", file_path: "f.txt", content: "cli" } },
      { tool: "shell_executor", args: { command: "cat f.txt" } },
      "not json",
    ]
      .map((x) => (typeof x === "string" ? x : JSON.stringify(x)))
      .join("\n");
    const out = await new Promise<string>((resolve, reject) => {
      const p = spawn("npx", ["tsx", "--conditions=react-server", "cli/main.ts", "exec", "--backend", "docker"], {
        cwd: repo,
        env: { ...process.env, PLAYGROUND_DOCKER_POOL_SIZE: "0" },
      });
      let stdout = "";
      p.stdout.on("data", (d) => (stdout += d));
      p.on("error", reject);
      p.on("close", () => resolve(stdout));
      p.stdin.end(input + "\n");
    });
    const lines = out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ status: "success", output: "42\n", isolated: true });
    expect(lines[1]).toMatchObject({ status: "success" });
    expect(lines[2]).toMatchObject({ status: "success", output: "cli" });
    expect(lines[3]).toHaveProperty("error");
  });
});
