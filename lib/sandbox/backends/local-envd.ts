import "server-only";
import { spawn } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Duplex, type PassThrough } from "node:stream";
import path from "node:path";
import { AgentConnection } from "./docker-agent";
import { envdSource } from "./docker";
import type { LocalHost } from "./local-host";
import { killUidProcesses } from "./procs";
import { isRoot, processAlive } from "../proc";

// An E2B sandbox on the local backend: the same envd agent the Docker backend runs as a
// container's PID 1 (docker/sandbox/agent/envd.py), here under bwrap with the host's userland
// read-only, a private /home/user (a directory of its own on the host) and a private /tmp, no
// network, its own pid namespace and uid, and the local backend's rlimits. The gateway speaks to
// it exactly as to a container's attach stream: JSON lines over its stdin/stdout.
//
// What it cannot be (the gateway labels and refuses these): it runs as one unprivileged user, so
// there is no root and no other account; the root file system is the host's, read-only, so no
// image can be chosen and system packages cannot be installed.

const MiB = 1024 * 1024;
const START_TIMEOUT_MS = 30_000;
const NBDRIVER = path.resolve(process.cwd(), "docker/sandbox/agent/nbdriver.py");
const ENVD_BOOT = "import os; exec(compile(os.environ.pop('PLAYGROUND_ENVD'), 'envd.py', 'exec'))";
const PATH_ENV = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export interface LocalEnvdSpec {
  /** The sandbox's own directory (created here, removed by destroy). */
  dir: string;
  /** The uid its processes run as (only when this server is root; otherwise the server's own). */
  uid: number | null;
  memoryMb: number;
  pids: number;
  fileMb: number;
  tmpMb: number;
}

export interface LocalEnvdBox {
  agent: AgentConnection;
  dir: string;
  uid: number | null;
  /** Kills everything in the sandbox and removes its files. Never throws. */
  destroy(): Promise<void>;
}

/** The sandbox's /etc/passwd and /etc/group: the host's, plus `user` (home /home/user) as the sandbox uid. */
function identityFiles(dir: string, uid: number) {
  const withUser = (file: string, line: string) => {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      /* no such file on this host */
    }
    const kept = text.split("\n").filter((l) => l && !l.startsWith("user:"));
    return [...kept, line].join("\n") + "\n";
  };
  writeFileSync(path.join(dir, "passwd"), withUser("/etc/passwd", `user:x:${uid}:${uid}:E2B user:/home/user:/bin/bash`));
  writeFileSync(path.join(dir, "group"), withUser("/etc/group", `user:x:${uid}:`));
}

/** A python3 the sandbox's PATH would also find (commands say `python3`), else the local backend's. */
function envdPython(h: LocalHost): string | null {
  return existsSync("/usr/bin/python3") ? "/usr/bin/python3" : (h.python?.executable ?? null);
}

const reaped = new Set<string>();
/** Removes sandbox directories a dead server left (its processes died with it: --die-with-parent). Once per directory per process. */
function reapStale(root: string) {
  if (reaped.has(root)) return;
  reaped.add(root);
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith("e2b-") || !name.endsWith(".owner")) continue;
    const pid = Number(readFileSync(path.join(root, name), "utf8"));
    if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) continue;
    rmSync(path.join(root, name.slice(0, -".owner".length)), { recursive: true, force: true });
    rmSync(path.join(root, name), { force: true });
  }
}

/** Starts envd under bwrap and waits for it. On failure nothing is left. */
export async function startLocalEnvd(h: LocalHost, spec: LocalEnvdSpec): Promise<LocalEnvdBox> {
  if (!h.bwrap) throw new Error(`bwrap is unavailable (${h.bwrapReason ?? "unknown"})`);
  const python = envdPython(h);
  if (!python) throw new Error("no python3 on this host to run envd");
  const root = isRoot();
  const uid = spec.uid ?? process.getuid?.() ?? 0;
  const home = path.join(spec.dir, "home");
  reapStale(path.dirname(spec.dir));
  mkdirSync(spec.dir, { recursive: true, mode: 0o700 });
  // The local backend's reaper removes the directory if this server dies without destroying it.
  writeFileSync(`${spec.dir}.owner`, String(process.pid));
  mkdirSync(home, { mode: 0o755 });
  if (root) chownSync(home, uid, uid);
  identityFiles(spec.dir, uid);
  const args = [
    ...h.bwrapBase,
    "--perms", "0755", "--dir", "/home",
    "--bind", home, "/home/user",
    "--ro-bind", path.join(spec.dir, "passwd"), "/etc/passwd",
    "--ro-bind", path.join(spec.dir, "group"), "/etc/group",
    "--perms", "1777", "--size", String(spec.tmpMb * MiB), "--tmpfs", "/tmp",
    // The code interpreter's driver, where the Docker image has it.
    "--perms", "0755", "--dir", "/opt",
    "--perms", "0755", "--dir", "/opt/sandbox",
    ...(existsSync(NBDRIVER) ? ["--ro-bind", NBDRIVER, "/opt/sandbox/nbdriver.py"] : []),
    "--chdir", "/home/user",
  ];
  if (root && spec.uid !== null) args.push("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--", h.setpriv!, `--reuid=${uid}`, `--regid=${uid}`, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all");
  else args.push("--");
  // The local backend's rlimits, minus CPU time: envd lives as long as the sandbox (a command's
  // time is bounded by its Connect deadline instead). RLIMIT_NPROC counts the sandbox's own uid.
  if (h.prlimit) args.push(h.prlimit, `--data=${spec.memoryMb * MiB}`, `--nproc=${spec.pids}`, `--fsize=${spec.fileMb * MiB}`, "--core=0", "--");
  args.push(python, "-u", "-c", ENVD_BOOT);
  const child = spawn(h.bwrap, args, {
    env: { PATH: PATH_ENV, LANG: "C.UTF-8", PLAYGROUND_ENVD: envdSource() } as unknown as NodeJS.ProcessEnv,
    stdio: ["pipe", "pipe", "pipe"],
    // Its own process group: destroy() reaches bwrap and, through its pid namespace, everything in it.
    detached: true,
  });
  // The agent connection reads a Docker-style attach stream; here stdin, stdout and stderr are pipes.
  const stream = new Duplex({
    write(chunk: Buffer, _enc, cb) {
      if (child.stdin.writable) child.stdin.write(chunk, (e) => cb(e ?? null));
      else cb(new Error("envd's stdin is closed"));
    },
    final(cb) {
      child.stdin.end();
      cb();
    },
    read() {},
  });
  const modem = {
    demuxStream(_s: unknown, out: PassThrough, err: PassThrough) {
      child.stdout.pipe(out);
      child.stderr.pipe(err);
    },
  } as unknown as ConstructorParameters<typeof AgentConnection>[1];
  child.stdin.on("error", () => {});
  child.on("exit", () => stream.destroy());
  child.on("error", (e) => stream.destroy(e));
  const agent = new AgentConnection(stream, modem, `local:${path.basename(spec.dir)}`);
  let destroyed = false;
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    agent.close();
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
    // bwrap's pid namespace ends with it; a uid of its own lets us make sure.
    if (root && spec.uid !== null) killUidProcesses(uid);
    rmSync(spec.dir, { recursive: true, force: true });
    rmSync(`${spec.dir}.owner`, { force: true });
  };
  try {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      agent.ready,
      new Promise((_, rej) => (timer = setTimeout(() => rej(new Error(`envd did not start within ${START_TIMEOUT_MS} ms: ${agent.log().slice(-3).join(" | ")}`)), START_TIMEOUT_MS))),
    ]).finally(() => clearTimeout(timer));
  } catch (e) {
    const tail = agent.log().slice(-3).join(" | ");
    await destroy();
    throw new Error(`${e instanceof Error ? e.message : String(e)}${tail ? ` (${tail})` : ""}`);
  }
  return { agent, dir: spec.dir, uid: spec.uid, destroy };
}
