// The E2B gateway driven by the real `e2b` and `@e2b/code-interpreter` npm packages against
// `next start`, on each backend: real Docker, and the local backend (envd under bwrap: one user, no
// root, the host's read-only userland). slime's E2BSandbox sequence (create with an image in metadata,
// commands as root and as the default user, write/read files, kill) and its exec_and_wait pattern,
// files of every byte value, timeouts, expiry, kill, isolation, background commands, signals, stdin,
// another caller's sandbox, and runCode with a plot.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerGate } from "@/lib/sandbox/backends/docker-test-gate";
import { probeLocalHost } from "@/lib/sandbox/backends/local-host";
import { underCi } from "@/lib/testing/ci";
import { startNextServer, type NextServer } from "../core/testing/next-server";

const port = Number(process.env.E2B_TEST_PORT ?? 3241);
const gate = await dockerGate();
// Under CI bwrap is installed: the local backend's sequence must run, never skip.
const backends = [...(gate.run ? ["docker" as const] : []), ...(probeLocalHost().bwrap || underCi ? ["local" as const] : [])];
const KEY = "e2b_0000000000000000000000000000000000000000";
const OTHER_KEY = "e2b_1111111111111111111111111111111111111111";

let server: NextServer;
let e2b: typeof import("e2b");

/** What is left of E2B sandboxes on a backend: Docker containers, or the local backend's directories and bwrap processes (named e2b-<id>). */
function leftovers(backend: "docker" | "local"): string[] {
  if (backend === "docker") {
    const out = execFileSync("docker", ["ps", "-a", "--filter", "label=rollout-playground.kind=e2b", "--format", "{{.Names}}"], { encoding: "utf8" });
    return out.split("\n").filter(Boolean);
  }
  const root = path.resolve(".data/sessions");
  let dirs: string[] = [];
  try {
    dirs = readdirSync(root).filter((n) => n.startsWith("e2b-"));
  } catch {
    /* no sessions yet */
  }
  let procs = "";
  try {
    procs = execFileSync("pgrep", ["-af", `${root}/e2b-`], { encoding: "utf8" });
  } catch {
    /* pgrep exits 1 when nothing matches */
  }
  return [...dirs, ...procs.split("\n").filter((l) => l.includes("bwrap"))];
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(backends)("E2B gateway with the real e2b SDK (%s backend)", (backend) => {
  /** The user for slime's root steps: root on Docker; the local backend has only `user`. */
  const admin = backend === "docker" ? "root" : "user";
  const e2bContainers = () => leftovers(backend);
  beforeAll(async () => {
    server = await startNextServer({
      env: { PLAYGROUND_E2B_BACKEND: backend, PLAYGROUND_E2B_POOL_SIZE: "2", PLAYGROUND_E2B_MAX_SANDBOXES: "12", PLAYGROUND_E2B_MAX_FILE_MB: "64", PLAYGROUND_TRAFFIC_LOG: "memory" },
    });
    process.env.E2B_API_URL = `${server.url}/e2b`;
    process.env.E2B_SANDBOX_URL = `${server.url}/e2b/sandbox`;
    process.env.E2B_API_KEY = KEY;
    e2b = await import("e2b");
  }, 600_000);

  afterAll(async () => {
    await server?.stop();
  });

  it.skipIf(backend === "local")("runs slime's E2BSandbox sequence: create with an image in metadata, exec as root and user, files, kill", async () => {
    const sb = await e2b.Sandbox.create({ timeoutMs: 120_000, metadata: { image: "no-such-image:latest", size: "md" } });
    expect(sb.sandboxId).toMatch(/^[a-z0-9]{20}$/);
    const info = await e2b.Sandbox.getInfo(sb.sandboxId);
    expect(info.metadata).toEqual({ image: "no-such-image:latest", size: "md" });
    expect(info.state).toBe("running");
    expect(info.endAt.getTime() - info.startedAt.getTime()).toBeGreaterThan(100_000);
    // The isolation level rides along as an extra field, in the info and in the list (the SDK took both above).
    const level = process.env.PLAYGROUND_DOCKER_RUNTIME === "runsc" ? "docker · gVisor" : "docker · runc";
    const raw = (await (await fetch(`${server.url}/e2b/sandboxes/${sb.sandboxId}`, { headers: { "x-api-key": KEY } })).json()) as { isolation?: string };
    expect(raw.isolation).toBe(level);
    const rawList = (await (await fetch(`${server.url}/e2b/v2/sandboxes`, { headers: { "x-api-key": KEY } })).json()) as { sandboxID: string; isolation?: string }[];
    expect(rawList.find((x) => x.sandboxID === sb.sandboxId)?.isolation).toBe(level);

    const root = await sb.commands.run("whoami; echo $HOME; id -u", { user: "root" });
    expect(root.exitCode).toBe(0);
    expect(root.stdout.split("\n").slice(0, 2)).toEqual(["root", "/root"]);
    const user = await sb.commands.run("whoami; echo $HOME; pwd");
    expect(user.stdout).toBe("user\n/home/user\n/home/user\n");

    // slime's exec with check=False: a failing command is an exception carrying its exit code and output.
    const failed = await sb.commands.run("echo out; echo err >&2; exit 3", { user: "root" }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(e2b.CommandExitError);
    const f = failed as InstanceType<typeof e2b.CommandExitError>;
    expect([f.exitCode, f.stdout, f.stderr]).toEqual([3, "out\n", "err\n"]);

    // ensure_agent_user: useradd and chown as root.
    const agent = await sb.commands.run("id agent >/dev/null 2>&1 || useradd -m -s /bin/bash agent && mkdir -p /workspace && chown -R agent:agent /home/agent /workspace && id -un agent", { user: "root", timeoutMs: 60_000 });
    expect(agent.stdout.trim()).toBe("agent");

    await sb.files.write("/workspace/task.txt", "solve it\n", { user: "root" });
    expect(await sb.files.read("/workspace/task.txt", { user: "root" })).toBe("solve it\n");
    await sb.files.write("notes/a.txt", "hi");
    const owner = await sb.commands.run("stat -c %U:%a /home/user/notes/a.txt /home/user/notes");
    expect(owner.stdout).toBe("user:644\nuser:755\n");

    expect(await sb.isRunning()).toBe(true);
    await sb.kill();
    expect(await sb.isRunning()).toBe(false);
    await expect(sb.commands.run("true")).rejects.toThrow();
    await until("the container to go", async () => !e2bContainers().some((n) => n.includes(sb.sandboxId)));
  });

  it.skipIf(backend === "docker")("runs slime's sequence on the local backend: the image and root are refused by name, files stay in the sandbox, kill leaves nothing", async () => {
    const sb = await e2b.Sandbox.create({ timeoutMs: 120_000, metadata: { image: "no-such-image:latest", size: "md" } });
    const info = await e2b.Sandbox.getInfo(sb.sandboxId);
    expect(info.metadata).toEqual({ image: "no-such-image:latest", size: "md" });
    // What E2B's info has no field for: where it runs and what it cannot do.
    const raw = (await (await fetch(`${server.url}/e2b/sandboxes/${sb.sandboxId}`, { headers: { "x-api-key": KEY } })).json()) as { isolation?: string; playground: Record<string, unknown> };
    expect(raw.isolation).toBe("local · bwrap");
    expect(raw.playground).toMatchObject({ backend: "local", isolation: "local · bwrap", image_asked: "no-such-image:latest", image_used: "host userland (local · bwrap)" });
    expect(String(raw.playground.note)).toContain("cannot be used on the local backend");
    expect((raw.playground.limitations as string[]).join(" ")).toMatch(/root and other users are refused.*read-only.*no network/);

    await expect(sb.commands.run("whoami", { user: "root" })).rejects.toThrow(/user 'root' is not available.*local \(bwrap\) backend/);
    await expect(sb.files.write("/tmp/x", "x", { user: "root" })).rejects.toThrow(/not available/);
    const user = await sb.commands.run("whoami; echo $HOME; pwd; id -u");
    expect(user.stdout.split("\n").slice(0, 3)).toEqual(["user", "/home/user", "/home/user"]);
    const failed = await sb.commands.run("echo out; echo err >&2; exit 3").catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(e2b.CommandExitError);
    expect([(failed as InstanceType<typeof e2b.CommandExitError>).exitCode, (failed as InstanceType<typeof e2b.CommandExitError>).stdout]).toEqual([3, "out\n"]);
    // A system package install cannot work on the read-only host userland; the home is the user's.
    const install = await sb.commands.run("useradd agent 2>&1 || touch /usr/local/x 2>&1 || echo refused").catch((e: unknown) => e);
    expect((install as { stdout: string }).stdout).toContain("refused");
    await sb.files.write("notes/a.txt", "hi");
    expect((await sb.commands.run("stat -c %U:%a /home/user/notes/a.txt /home/user/notes")).stdout).toBe("user:644\nuser:755\n");
    const passwd = (await sb.commands.run("cat /etc/passwd")).stdout;
    expect(await sb.files.read("../../../../../../etc/passwd")).toBe(passwd);
    await sb.commands.run("ln -s / /home/user/rootlink");
    expect(await sb.files.read("/home/user/rootlink/etc/passwd")).toBe(passwd);
    await expect(sb.files.read("/etc/shadow")).rejects.toThrow();
    await expect(sb.files.write("/etc/evil", "x")).rejects.toThrow();
    // No network: only the loopback interface.
    expect((await sb.commands.run("grep -c : /proc/net/dev")).stdout.trim()).toBe("1");
    await sb.commands.run("setsid sleep 600 > /dev/null 2>&1 &");
    await sb.kill();
    expect(await sb.isRunning()).toBe(false);
    await expect(sb.commands.run("true")).rejects.toThrow();
    await until("the bwrap sandbox and its files to go", async () => !e2bContainers().some((n) => n.includes(sb.sandboxId)));
  });

  it("runs slime's exec_and_wait: launcher, setsid … &, a polled done marker, the output file", async () => {
    const sb = await e2b.Sandbox.create({ timeoutMs: 120_000 });
    try {
      const tag = "build";
      const out = `/tmp/.${tag}.out`;
      const done = `/tmp/.${tag}.done`;
      const launcher = `/tmp/.${tag}.sh`;
      const lock = `/tmp/.${tag}.spawned`;
      await sb.files.write(launcher, `#!/bin/bash\ncd /tmp\nexport HOME=/home/root\nfor i in 1 2 3; do echo step $i; sleep 0.2; done\necho $? > ${done}\n`, { user: admin });
      await sb.commands.run(`rm -rf ${lock}; rm -f ${out} ${done}`, { user: admin, timeoutMs: 30_000 });
      const spawn = await sb.commands.run(`chmod +x ${launcher}; mkdir ${lock} 2>/dev/null || exit 0; setsid bash ${launcher} < /dev/null > ${out} 2>&1 &`, {
        user: admin,
        timeoutMs: 30_000,
      });
      expect(spawn.exitCode).toBe(0);
      const code = await until("the done marker", async () => {
        const r = await sb.commands.run(`test -f ${done} && cat ${done}`, { user: admin, timeoutMs: 15_000 }).catch(() => null);
        return r && r.exitCode === 0 && r.stdout.trim() ? { exit: Number(r.stdout.trim()) } : undefined;
      });
      expect(code.exit).toBe(0);
      expect(await sb.files.read(out, { user: admin })).toBe("step 1\nstep 2\nstep 3\n");
    } finally {
      await sb.kill();
    }
  });

  it("writes and reads files of every byte value (multipart and octet-stream, gzip too)", async () => {
    const sb = await e2b.Sandbox.create({ timeoutMs: 120_000 });
    try {
      const bytes = new Uint8Array(256 * 40);
      for (let i = 0; i < bytes.length; i++) bytes[i] = i % 256;
      await sb.files.write("/tmp/all.bin", bytes.buffer as ArrayBuffer);
      expect(Buffer.from(await sb.files.read("/tmp/all.bin", { format: "bytes" })).equals(Buffer.from(bytes))).toBe(true);
      await sb.files.write("/tmp/all-octet.bin", new Blob([bytes]), { useOctetStream: true });
      expect(Buffer.from(await sb.files.read("/tmp/all-octet.bin", { format: "bytes" })).equals(Buffer.from(bytes))).toBe(true);
      await sb.files.write("/tmp/all-gz.bin", new Blob([bytes]), { gzip: true });
      expect(Buffer.from(await sb.files.read("/tmp/all-gz.bin", { format: "bytes" })).equals(Buffer.from(bytes))).toBe(true);
      const sum = await sb.commands.run("sha256sum /tmp/all.bin /tmp/all-octet.bin | cut -d' ' -f1 | uniq | wc -l");
      expect(sum.stdout.trim()).toBe("1");
      // Several files at once, 6 MB (more than one agent chunk), an empty file.
      const big = Buffer.alloc(6 * 1024 * 1024 + 17, 7);
      await sb.files.write([
        { path: "/tmp/big.bin", data: new Blob([big]) },
        { path: "/tmp/empty.bin", data: "" },
      ]);
      expect(Buffer.from(await sb.files.read("/tmp/big.bin", { format: "bytes" })).equals(big)).toBe(true);
      expect(await sb.files.read("/tmp/empty.bin")).toBe("");
      await expect(sb.files.read("/tmp/missing.txt")).rejects.toBeInstanceOf(e2b.FileNotFoundError);
      expect(await sb.files.exists("/tmp/big.bin")).toBe(true);
      expect(await sb.files.exists("/tmp/nope")).toBe(false);
      const names = (await sb.files.list("/tmp")).map((e) => e.name);
      expect(names).toEqual(expect.arrayContaining(["all.bin", "big.bin", "empty.bin"]));
      await sb.files.makeDir("/tmp/d/e");
      await sb.files.rename("/tmp/empty.bin", "/tmp/d/e/moved.bin");
      await sb.files.remove("/tmp/d");
      expect(await sb.files.exists("/tmp/d")).toBe(false);
    } finally {
      await sb.kill();
    }
  });

  it("kills a command past its timeout, and keeps a background command running with stdin and signals", async () => {
    const sb = await e2b.Sandbox.create({ timeoutMs: 120_000 });
    try {
      const t = await sb.commands.run("echo started; sleep 30", { timeoutMs: 1500 }).catch((e: unknown) => e);
      expect(t).toBeInstanceOf(e2b.TimeoutError);
      await until("the sleep to be killed", async () => (await sb.commands.run("pgrep -x sleep || echo none")).stdout.trim() === "none");

      const cat = await sb.commands.run("cat", { background: true, stdin: true });
      await sb.commands.sendStdin(cat.pid, "hello ");
      await sb.commands.sendStdin(cat.pid, "world");
      const listed = await sb.commands.list();
      expect(listed.map((p) => p.pid)).toContain(cat.pid);
      await sb.commands.closeStdin(cat.pid);
      const r = await cat.wait();
      expect(r.stdout).toBe("hello world");

      const sleeper = await sb.commands.run("trap '' TERM; sleep 60", { background: true, timeoutMs: 0 });
      expect(await sb.commands.kill(sleeper.pid)).toBe(true);
      const end = await sleeper.wait().catch((e: unknown) => e);
      expect(end).toBeInstanceOf(e2b.CommandExitError);
      expect(await sb.commands.kill(999_999)).toBe(false);

      // Reconnect to a running background command.
      const ticker = await sb.commands.run("for i in $(seq 1 50); do echo tick $i; sleep 0.1; done", { background: true, timeoutMs: 0 });
      await ticker.disconnect();
      const again = await sb.commands.connect(ticker.pid);
      const res = await again.wait();
      expect(res.stdout).toContain("tick 50");
    } finally {
      await sb.kill();
    }
  });

  it("runs an interactive shell on a PTY: input, resize, exit code, kill", async () => {
    const sb = await e2b.Sandbox.create({ timeoutMs: 120_000 });
    try {
      const chunks: Buffer[] = [];
      const seen = () => Buffer.concat(chunks).toString("utf8");
      const term = await sb.pty.create({ cols: 100, rows: 30, onData: (d) => void chunks.push(Buffer.from(d)) });
      const type = (line: string) => sb.pty.sendInput(term.pid, new TextEncoder().encode(`${line}\n`));
      await type("stty size; tty; whoami; echo marker-$((6*7))");
      await until("the shell's answers", async () => /marker-42/.test(seen()));
      expect(seen()).toMatch(/30 100/);
      expect(seen()).toMatch(/\/dev\/pts\/\d+/);
      expect(seen()).toMatch(/\buser\b/);
      await sb.pty.resize(term.pid, { cols: 120, rows: 40 });
      await type("stty size");
      await until("the new size", async () => /40 120/.test(seen()));
      expect((await sb.commands.list()).map((p) => p.pid)).toContain(term.pid);
      await type("exit 3");
      const end = await term.wait().catch((e: unknown) => e);
      expect(end).toBeInstanceOf(e2b.CommandExitError);
      expect((end as InstanceType<typeof e2b.CommandExitError>).exitCode).toBe(3);

      const second = await sb.pty.create({ cols: 80, rows: 24, onData: () => {} });
      expect(await sb.pty.kill(second.pid)).toBe(true);
      await expect(second.wait()).rejects.toBeInstanceOf(e2b.CommandExitError);
      expect(await sb.pty.kill(second.pid)).toBe(false);
    } finally {
      await sb.kill();
    }
  });

  it("watches a directory (files.watchDir, recursive): creates, writes, renames, removes, in a new subdirectory too; stop ends it", async () => {
    const sb = await e2b.Sandbox.create({ timeoutMs: 120_000 });
    try {
      await expect(sb.files.watchDir("/home/user/none", () => {})).rejects.toBeInstanceOf(e2b.FileNotFoundError);
      await sb.files.makeDir("/home/user/w");
      const events: { name: string; type: string }[] = [];
      const handle = await sb.files.watchDir("/home/user/w", (e) => void events.push({ name: e.name, type: e.type }), { recursive: true, timeoutMs: 0 });
      await sb.files.write("/home/user/w/a.txt", "one");
      // The subdirectory and its file come faster than a watch on it can be set up: they are reported all the same.
      await sb.commands.run("mkdir -p /home/user/w/sub/deep && echo x > /home/user/w/sub/deep/b.txt && mv /home/user/w/a.txt /home/user/w/c.txt && chmod 600 /home/user/w/c.txt && rm /home/user/w/c.txt");
      await until("the remove of c.txt", async () => events.some((e) => e.name === "c.txt" && e.type === "remove"));
      expect(events).toEqual(
        expect.arrayContaining([
          { name: "a.txt", type: "create" },
          { name: "a.txt", type: "write" },
          { name: "sub", type: "create" },
          { name: "sub/deep/b.txt", type: "create" },
          { name: "a.txt", type: "rename" },
          { name: "c.txt", type: "create" },
          { name: "c.txt", type: "chmod" },
          { name: "c.txt", type: "remove" },
        ]),
      );
      // The watch's inotify watches (w, sub, sub/deep) are in envd until stop, then gone. On Docker
      // envd (PID 1, root, not dumpable once it has changed its fsuid) is read from the host's /proc.
      const watches = async () => {
        const grep = "cat /proc/[0-9]*/fdinfo/* 2>/dev/null | grep -c '^inotify wd' || true";
        if (backend === "local") return Number((await sb.commands.run(grep)).stdout.trim());
        // A container's hostname is its id's first 12 characters.
        const id = (await sb.commands.run("hostname")).stdout.trim();
        const pid = execFileSync("docker", ["inspect", "-f", "{{.State.Pid}}", id], { encoding: "utf8" }).trim();
        return Number(execFileSync("sh", ["-c", `cat /proc/${pid}/fdinfo/* 2>/dev/null | grep -c '^inotify wd' || true`], { encoding: "utf8" }).trim());
      };
      expect(await watches()).toBe(3);
      await handle.stop();
      await until("the watch to be removed in the sandbox", async () => (await watches()) === 0);

      // The polled form (CreateWatcher / GetWatcherEvents / RemoveWatcher: the Python SDK's sync watch_dir), spoken raw.
      const rpc = async (method: string, body: unknown) => {
        const res = await fetch(`${server.url}/e2b/sandbox/filesystem.Filesystem/${method}`, {
          method: "POST",
          headers: { "content-type": "application/json", "connect-protocol-version": "1", "e2b-sandbox-id": sb.sandboxId, "e2b-sandbox-port": "49983" },
          body: JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      const created = await rpc("CreateWatcher", { path: "/home/user/w" });
      expect(created.status).toBe(200);
      const watcherId = String(created.body.watcherId);
      await sb.files.write("/home/user/w/polled.txt", "p");
      const polled = await until("the polled events", async () => {
        const r = await rpc("GetWatcherEvents", { watcherId });
        return (r.body.events as { name: string; type: string }[]).length ? (r.body.events as { name: string; type: string }[]) : undefined;
      });
      expect(polled).toContainEqual({ name: "polled.txt", type: "EVENT_TYPE_CREATE" });
      expect((await rpc("RemoveWatcher", { watcherId })).status).toBe(200);
      expect(await rpc("GetWatcherEvents", { watcherId })).toMatchObject({ status: 404, body: { code: "not_found" } });
      await until("the polled watch to be removed in the sandbox", async () => (await watches()) === 0);
    } finally {
      await sb.kill();
    }
  });

  it("pauses (docker pause) and resumes on connect, its processes alive; the local backend refuses pause", async () => {
    const sb = await e2b.Sandbox.create({ timeoutMs: 120_000 });
    try {
      if (backend === "local") {
        await expect(sb.betaPause()).rejects.toThrow(/needs the Docker backend/);
        expect(await sb.isRunning()).toBe(true);
        return;
      }
      await sb.commands.run("setsid sh -c 'i=0; while true; do i=$((i+1)); echo $i > /tmp/count; sleep 0.05; done' > /dev/null 2>&1 &");
      await until("the counter", async () => Number((await sb.files.read("/tmp/count").catch(() => "0")).trim()) > 0);
      expect(await sb.betaPause()).toBe(true);
      expect(await sb.betaPause()).toBe(false);
      expect((await e2b.Sandbox.getInfo(sb.sandboxId)).state).toBe("paused");
      expect((await e2b.Sandbox.list({ query: { state: ["paused"] } }).nextItems()).map((s) => s.sandboxId)).toEqual([sb.sandboxId]);
      expect((await e2b.Sandbox.list({ query: { state: ["running"] } }).nextItems()).map((s) => s.sandboxId)).not.toContain(sb.sandboxId);
      await expect(sb.commands.run("true")).rejects.toThrow();
      await sb.connect();
      expect((await e2b.Sandbox.getInfo(sb.sandboxId)).state).toBe("running");
      const before = Number((await sb.files.read("/tmp/count")).trim());
      await until("the counter to go on", async () => Number((await sb.files.read("/tmp/count")).trim()) > before);
    } finally {
      await sb.kill();
    }
  });

  it("expires a sandbox at its timeout unless extended, and leaves no container behind", async () => {
    const sb = await e2b.Sandbox.create({ timeoutMs: 3_000 });
    await sb.setTimeout(5_000);
    await sb.commands.run("sleep 1000 > /dev/null 2>&1 &", { background: false });
    await until("the sandbox to expire", async () => !(await sb.isRunning()), 20_000);
    await expect(e2b.Sandbox.getInfo(sb.sandboxId)).rejects.toBeInstanceOf(e2b.SandboxNotFoundError);
    await until("the container to go", async () => !e2bContainers().some((n) => n.includes(sb.sandboxId)));
  });

  it("keeps sandboxes apart, and another caller's sandbox is not found", async () => {
    const [a, b] = await Promise.all([e2b.Sandbox.create({ timeoutMs: 60_000, metadata: { job: "a" } }), e2b.Sandbox.create({ timeoutMs: 60_000, metadata: { job: "b w/ & =" } })]);
    try {
      await a.files.write("/tmp/secret", "a's");
      expect(await b.files.exists("/tmp/secret")).toBe(false);
      expect((await b.commands.run("ps -e -o comm= | grep -c sleep || true")).stdout.trim()).toBe("0");
      const listed = await e2b.Sandbox.list({ query: { metadata: { job: "b w/ & =" } } }).nextItems();
      expect(listed.map((s) => s.sandboxId)).toEqual([b.sandboxId]);
      await expect(e2b.Sandbox.getInfo(a.sandboxId, { apiKey: OTHER_KEY })).rejects.toBeInstanceOf(e2b.SandboxNotFoundError);
      expect(await e2b.Sandbox.kill(a.sandboxId, { apiKey: OTHER_KEY })).toBe(false);
      expect((await e2b.Sandbox.list({ apiKey: OTHER_KEY }).nextItems()).length).toBe(0);
      const page = e2b.Sandbox.list({ limit: 1 });
      const first = await page.nextItems();
      expect(first.length).toBe(1);
      expect(page.hasNext).toBe(true);
      const connected = await e2b.Sandbox.connect(a.sandboxId);
      expect((await connected.commands.run("cat /tmp/secret")).stdout).toBe("a's");
    } finally {
      await Promise.all([a.kill(), b.kill()]);
    }
  });

  it("runs code with @e2b/code-interpreter: state per context, errors, a matplotlib plot", async () => {
    const ci = await import("@e2b/code-interpreter");
    const sb = await ci.Sandbox.create({ timeoutMs: 120_000 });
    try {
      const a = await sb.runCode("x = 40\nprint('hi')\nx + 2");
      expect(a.text).toBe("42");
      expect(a.logs.stdout).toEqual(["hi\n"]);
      const b = await sb.runCode("x * 2");
      expect(b.text).toBe("80");
      const e = await sb.runCode("1/0");
      expect(e.error?.name).toBe("ZeroDivisionError");
      const ctx = await sb.createCodeContext();
      const c = await sb.runCode("'x' in globals()", { context: ctx });
      expect(c.text).toBe("False");
      const plot = await sb.runCode("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.show()");
      const png = plot.results.find((r) => r.png);
      expect(Buffer.from(png!.png!, "base64").subarray(1, 4).toString()).toBe("PNG");
      expect((await sb.listCodeContexts()).map((x) => x.id)).toContain(ctx.id);
      await sb.removeCodeContext(ctx);
    } finally {
      await sb.kill();
    }
  });

  it("shows E2B calls on Traffic and live E2B sandboxes in the Sessions list (attach url), until killed", async () => {
    const sb = await e2b.Sandbox.create({ timeoutMs: 60_000, metadata: { image: "no-such-image:2", job: "traffic" } });
    await sb.commands.run("echo traffic-marker", { user: admin });
    await sb.files.write("/tmp/t.bin", new Blob([new Uint8Array(1234)]));
    const snapshot = async () => {
      const res = await fetch(`${server.url}/api/traffic/stream`);
      const reader = res.body!.getReader();
      let text = "";
      while (!text.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      await reader.cancel();
      return JSON.parse(text.split("\n")[0]!) as { rows: { api: string; status: string; outcome: string; backend?: string; code_head?: string; return_code?: number; out_head?: string; files: number }[] };
    };
    const rows = await until("the command on Traffic", async () => {
      const r = (await snapshot()).rows.filter((x) => x.api === "e2b");
      return r.some((x) => x.code_head?.includes("echo traffic-marker")) ? r : undefined;
    });
    const cmd = rows.find((x) => x.code_head?.includes("echo traffic-marker"))!;
    expect(cmd).toMatchObject({ status: "command", return_code: 0 });
    expect(cmd.out_head).toContain("traffic-marker");
    expect(rows.find((x) => x.status === "files.write" && x.outcome === "success")).toMatchObject({ files: 1 });
    expect(cmd).toMatchObject({ backend });
    const note = backend === "docker" ? "image 'no-such-image:2' is not in the Docker engine" : "image 'no-such-image:2' cannot be used on the local backend";
    expect(rows.filter((x) => x.status === "create").some((x) => x.out_head?.includes(note))).toBe(true);

    type Row = { id: string; kind: string; url: string; e2b?: { image_asked: string | null; image_used: string; metadata: Record<string, string>; end_at_ms: number; note: string | null } };
    const sessions = async () => (await (await fetch(`${server.url}/api/editor/sessions`)).json()) as Row[];
    const row = (await sessions()).find((r) => r.id === `e2b-${sb.sandboxId}`);
    expect(row).toMatchObject({ kind: "e2b", url: `/editor?session=e2b-${sb.sandboxId}&backend=${backend}` });
    expect(row!.e2b).toMatchObject({
      image_asked: "no-such-image:2",
      image_used: backend === "docker" ? (process.env.PLAYGROUND_DOCKER_IMAGE ?? "rollout-playground-sandbox:1") : "host userland (local · bwrap)",
      metadata: { image: "no-such-image:2", job: "traffic" },
    });
    if (backend === "local") expect(row!.e2b!.note).toContain("root and other users are refused");
    await sb.kill();
    expect((await sessions()).some((r) => r.id === `e2b-${sb.sandboxId}`)).toBe(false);
  });

  describe("hostile callers", () => {
    it.skipIf(backend === "local")("confines `..` and symlink paths in /files to the sandbox, and files to the user's permissions", async () => {
      const sb = await e2b.Sandbox.create({ timeoutMs: 60_000 });
      try {
        const inside = (await sb.commands.run("cat /etc/passwd", { user: "root" })).stdout;
        expect(await sb.files.read("../../../../../../etc/passwd")).toBe(inside);
        await sb.commands.run("ln -s / /home/user/rootlink && ln -s /proc/1/root/etc /home/user/pid1etc");
        expect(await sb.files.read("/home/user/rootlink/etc/passwd")).toBe(inside);
        expect(inside).toContain("user:x:");
        await expect(sb.files.read("/etc/shadow")).rejects.toThrow();
        await expect(sb.files.write("/etc/evil", "x")).rejects.toThrow();
        expect(await sb.files.exists("/etc/evil")).toBe(false);
        await sb.files.write("/etc/ok-as-root", "x", { user: "root" });
        expect((await sb.commands.run("stat -c %U /etc/ok-as-root")).stdout.trim()).toBe("root");
      } finally {
        await sb.kill();
      }
    });

    it("refuses an upload past the file cap while it streams (a 2 GB body), keeping nothing", async () => {
      const sb = await e2b.Sandbox.create({ timeoutMs: 60_000 });
      try {
        let sent = 0;
        const chunk = new Uint8Array(1024 * 1024);
        const body = new ReadableStream<Uint8Array>({
          pull(c) {
            if (sent >= 2048 * 1024 * 1024) return c.close();
            sent += chunk.length;
            c.enqueue(chunk);
          },
        });
        const res = await fetch(`${server.url}/e2b/sandbox/files?path=/tmp/huge.bin`, {
          method: "POST",
          headers: { "content-type": "application/octet-stream", "e2b-sandbox-id": sb.sandboxId, "e2b-sandbox-port": "49983" },
          body,
          duplex: "half",
        } as RequestInit).catch((e: unknown) => e);
        if (res instanceof Response) {
          expect(res.status).toBe(413);
          expect(((await res.json()) as { code: number; message: string }).code).toBe(413);
        }
        expect(sent).toBeLessThan(1024 * 1024 * 1024);
        expect(await sb.files.exists("/tmp/huge.bin")).toBe(false);
      } finally {
        await sb.kill();
      }
    });

    it("survives a fork bomb (pids limit, killed at the deadline) and answers again", async () => {
      const [sb, other] = await Promise.all([e2b.Sandbox.create({ timeoutMs: 120_000 }), e2b.Sandbox.create({ timeoutMs: 120_000 })]);
      try {
        await sb.commands.run(":(){ :|:& };:", { timeoutMs: 4000 }).catch(() => null);
        expect((await other.commands.run("echo other fine")).stdout).toBe("other fine\n");
        const alive = await until(
          "the bombed sandbox to answer",
          async () => {
            await sb.commands.run("pkill -9 -u user bash; true", { user: admin, timeoutMs: 5000 }).catch(() => null);
            const r = await sb.commands.run("echo alive", { user: admin, timeoutMs: 5000 }).catch(() => null);
            return r?.stdout === "alive\n" ? r : undefined;
          },
          150_000,
        );
        expect(alive.exitCode).toBe(0);
      } finally {
        await Promise.all([sb.kill(), other.kill()]);
      }
    }, 180_000);

    it("answers malformed Connect frames with Connect errors and unknown sandboxes with 502", async () => {
      const sb = await e2b.Sandbox.create({ timeoutMs: 60_000 });
      try {
        const call = (body: Uint8Array<ArrayBuffer>, id = sb.sandboxId) =>
          fetch(`${server.url}/e2b/sandbox/process.Process/Start`, {
            method: "POST",
            headers: { "content-type": "application/connect+json", "connect-protocol-version": "1", "e2b-sandbox-id": id, "e2b-sandbox-port": "49983" },
            body,
          });
        const endFrame = async (res: Response) => {
          const buf = new Uint8Array(await res.arrayBuffer());
          expect(buf[0]).toBe(2);
          return JSON.parse(new TextDecoder().decode(buf.subarray(5))) as { error?: { code: string; message: string } };
        };
        const frame = (flags: number, json: string, declared?: number) => {
          const b = new TextEncoder().encode(json);
          const out = new Uint8Array(5 + b.length);
          out[0] = flags;
          new DataView(out.buffer).setUint32(1, declared ?? b.length);
          out.set(b, 5);
          return out;
        };
        for (const bad of [new Uint8Array([0, 0, 0]), frame(0, "{not json"), frame(0, "{}", 999), frame(1, "{}"), frame(0, JSON.stringify({ process: { cmd: 5 } }))]) {
          const res = await call(bad);
          expect(res.status).toBe(200);
          expect((await endFrame(res)).error?.code).toBe("invalid_argument");
        }
        const unknown = await call(frame(0, JSON.stringify({ process: { cmd: "true" } })), "nosuchsandbox0000000");
        expect(unknown.status).toBe(502);
        const unary = await fetch(`${server.url}/e2b/sandbox/filesystem.Filesystem/Stat`, {
          method: "POST",
          headers: { "content-type": "application/json", "e2b-sandbox-id": sb.sandboxId },
          body: "{oops",
        });
        expect(unary.status).toBe(400);
        expect(((await unary.json()) as { code: string }).code).toBe("invalid_argument");
        const missing = await fetch(`${server.url}/e2b/sandbox/filesystem.Filesystem/Stat`, {
          method: "POST",
          headers: { "content-type": "application/json", "e2b-sandbox-id": sb.sandboxId },
          body: JSON.stringify({ path: "/nope" }),
        });
        expect([missing.status, ((await missing.json()) as { code: string }).code]).toEqual([404, "not_found"]);
        const control = await fetch(`${server.url}/e2b/sandboxes/nosuchsandbox0000000`, { headers: { "x-api-key": KEY } });
        expect(control.status).toBe(404);
        expect(await control.json()).toMatchObject({ code: 404 });
      } finally {
        await sb.kill();
      }
    });

    it("refuses sandboxes past the cap when 1,000 are asked at once, and leaks nothing", async () => {
      const before = e2bContainers().length;
      // A kept-alive socket the server closes as idle just as the client reuses it fails before any
      // answer ("other side closed"); a client retries that, as slime's _rpc_retry does.
      const ask = async (): Promise<{ status: number; body: { sandboxID?: string; code?: number; message?: string } }> => {
        for (let attempt = 0; ; attempt++) {
          try {
            const r = await fetch(`${server.url}/e2b/v2/sandboxes`, {
              method: "POST",
              headers: { "content-type": "application/json", "x-api-key": KEY },
              body: JSON.stringify({ templateID: "base", timeout: 60 }),
            });
            return { status: r.status, body: (await r.json()) as { sandboxID?: string; code?: number; message?: string } };
          } catch (e) {
            if (attempt >= 2 || !(e instanceof TypeError)) throw e;
          }
        }
      };
      const asks = await Promise.all(Array.from({ length: 1000 }, ask));
      const made = asks.filter((a) => a.status === 201);
      const refused = asks.filter((a) => a.status === 429);
      expect(made.length).toBeGreaterThan(0);
      expect(made.length).toBeLessThanOrEqual(12);
      const others = asks.filter((a) => a.status !== 201 && a.status !== 429);
      expect(others.slice(0, 3)).toEqual([]);
      expect(refused[0]!.body).toMatchObject({ code: 429 });
      expect(refused[0]!.body.message).toContain("PLAYGROUND_E2B_MAX_SANDBOXES");
      await Promise.all(made.map((m) => fetch(`${server.url}/e2b/sandboxes/${m.body.sandboxID}`, { method: "DELETE", headers: { "x-api-key": KEY } })));
      await until("the containers to go", async () => e2bContainers().length <= Math.max(before, 2), 90_000);
    });
  });
});
