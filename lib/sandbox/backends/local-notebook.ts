import "server-only";
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { appError } from "@/lib/errors";
import { err, ok, type Result } from "@/lib/result";
import type { Limits, NotebookChannel } from "../types";
import { JsonLinesRpc, type RpcMessage } from "../rpc/json-lines";
import type { LocalHost } from "./local-host";
import { prlimitFlags } from "./rlimits";

// The local backend's notebook: the same driver the Docker image runs
// (docker/sandbox/agent/nbdriver.py, holding a real ipykernel through jupyter_client), started
// once per session under the same bwrap isolation as every local run, and spoken to in JSON lines
// (rpc/json-lines.ts) over its stdin/stdout. Needs a host Python with ipykernel + jupyter_client (Debian: python3-ipykernel
// python3-jupyter-client, plus python3-matplotlib for plots).

const DRIVER = path.resolve(process.cwd(), "docker/sandbox/agent/nbdriver.py");
const MiB = 1024 * 1024;

let jupyterPython: { path: string | null; reason?: string } | undefined;

/** A host interpreter that can import ipykernel and jupyter_client (probed once). */
export function findJupyterPython(host: LocalHost): { path: string | null; reason?: string } {
  if (jupyterPython) return jupyterPython;
  const candidates = [host.python?.executable, "/usr/bin/python3"].filter((p): p is string => !!p);
  for (const p of [...new Set(candidates)]) {
    try {
      execFileSync(p, ["-c", "import ipykernel, jupyter_client"], { stdio: "ignore", timeout: 20_000 });
      jupyterPython = { path: p };
      return jupyterPython;
    } catch {
      /* try the next one */
    }
  }
  jupyterPython = {
    path: null,
    reason: `No host Python can import ipykernel and jupyter_client (tried ${candidates.join(", ")}). Install python3-ipykernel python3-jupyter-client python3-matplotlib, or use the docker backend.`,
  };
  return jupyterPython;
}

export class LocalNotebook implements NotebookChannel {
  private child: ChildProcessWithoutNullStreams;
  private rpc: JsonLinesRpc;

  constructor(opts: { host: LocalHost; python: string; dir: string; uid: number | null; limits: Limits }) {
    const h = opts.host;
    const l = opts.limits;
    // A kernel is long-lived: no CPU-time limit (the per-cell timeout interrupts instead), and room
    // for what numpy/matplotlib and the kernel's zmq threads allocate.
    const rlimits = h.prlimit ? [h.prlimit, ...prlimitFlags(l, { noCpu: true, memoryMb: Math.max(l.memory_mb, 4096) })] : [];
    const args = [
      ...h.bwrapBase,
      "--bind", opts.dir, "/sandbox",
      "--size", String(Math.min(l.file_size_mb, 256) * MiB), "--tmpfs", "/tmp",
      // bwrap would create missing parents 0700, unreadable for the run's uid.
      "--perms", "0755", "--dir", "/opt",
      "--perms", "0755", "--dir", "/opt/sandbox",
      "--ro-bind", DRIVER, "/opt/sandbox/nbdriver.py",
      "--chdir", "/sandbox",
    ];
    if (opts.uid !== null) args.push("--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--", h.setpriv!, `--reuid=${opts.uid}`, `--regid=${opts.uid}`, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all");
    else args.push("--");
    args.push(...rlimits, opts.python, "-u", "/opt/sandbox/nbdriver.py");
    this.child = spawn(h.bwrap!, args, {
      env: { PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOME: "/sandbox", TMPDIR: "/tmp", LANG: "C.UTF-8", LC_ALL: "C.UTF-8" } as unknown as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
      // Its own process group, so kill() reaches bwrap and everything it started.
      detached: true,
    });
    const stderrTail: string[] = [];
    createInterface({ input: this.child.stderr }).on("line", (l) => {
      stderrTail.push(l);
      if (stderrTail.length > 20) stderrTail.shift();
    });
    this.rpc = new JsonLinesRpc({
      write: (line) => this.child.stdin.write(line),
      replyError: (msg) => new Error(typeof msg.error === "string" ? msg.error : "notebook driver error"),
      timeoutError: (_msg, ms) => new Error(`The notebook driver did not answer within ${ms} ms; it was stopped.`),
      onTimeout: () => this.kill(),
    });
    this.child.stdout.on("data", (chunk: Buffer) => this.rpc.feed(chunk));
    const onGone = (why: string) =>
      this.rpc.fail(new Error(`The notebook driver ${why}${stderrTail.length ? `: ${stderrTail.slice(-3).join(" | ")}` : ""}`));
    this.child.on("exit", (code, sig) => onGone(`exited (${sig ?? code})`));
    this.child.on("error", (e) => onGone(`failed to start: ${e.message}`));
  }

  get alive(): boolean {
    return this.rpc.alive;
  }

  request(msg: RpcMessage, opts: { timeoutMs?: number } = {}): Promise<RpcMessage> {
    return this.rpc.request(msg, opts);
  }

  async interrupt(): Promise<void> {
    await this.request({ op: "interrupt" }, { timeoutMs: 5000 }).catch(() => {});
  }

  /** bwrap runs the driver in its own PID namespace: killing bwrap's group ends the kernel too. */
  kill(): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, "SIGKILL");
    } catch {
      try {
        this.child.kill("SIGKILL");
      } catch {
        /* gone */
      }
    }
  }
}

/** Whether this host can run local notebooks at all (bwrap isolation + a Jupyter-capable Python). */
/** The Jupyter-capable python to run the driver with, or `unavailable:notebook` saying why not. */
export function localNotebookSupport(host: LocalHost): Result<string> {
  const unavailable = (message: string) => err(appError("unavailable:notebook", message));
  if (!host.bwrap) return unavailable(`The local notebook needs bwrap isolation (${host.bwrapReason ?? "unavailable"}); use the docker backend.`);
  if (!existsSync(DRIVER)) return unavailable(`The notebook driver ${DRIVER} is missing.`);
  const py = findJupyterPython(host);
  return py.path ? ok(py.path) : unavailable(py.reason ?? "No Jupyter-capable Python.");
}
