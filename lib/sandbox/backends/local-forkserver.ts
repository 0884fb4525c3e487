import "server-only";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { Limits, OutputTap, RunOutcome } from "../types";
import { emptyOutcome } from "../run-outcome";
import { signalName } from "../proc";
import { Capture, capturedOutcome, drainLimit } from "./local-run";

// Node's side of lib/sandbox/backends/local-forkserver.py: one long-lived interpreter per session
// inside the session's bwrap sandbox, forking a supervisor + run per request. See the .py file
// for the process tree and the wire format.

export const FORKSERVER_SCRIPT = path.resolve(process.cwd(), "lib/sandbox/backends/local-forkserver.py");
/** Where the script is bound read-only inside the sandbox. */
export const FORKSERVER_MOUNT = "/opt/rollout-playground/forkserver.py";
/** [host path, sandbox path] read-only binds: the script, and beside it the modules it shares with
 * the Docker agent (the inline `python -c` runner, the rlimits, the /proc table). */
export const forkServerBinds: ReadonlyArray<readonly [string, string]> = [
  [FORKSERVER_SCRIPT, FORKSERVER_MOUNT],
  ...["pyinline.py", "rlimits.py", "proctable.py"].map((f) => [path.resolve(process.cwd(), "docker/sandbox/agent", f), path.posix.join(path.posix.dirname(FORKSERVER_MOUNT), f)] as const),
];

const KIND_OUT = 1;
const KIND_ERR = 2;
const KIND_EXIT = 3;
const KIND_READY = 5;
const HEADER = 9;
/** After a kill request, how long the run waits for the zygote's exit report before it answers anyway. */
const KILL_GRACE_MS = 2000;
/**
 * How long after a kill request a zygote that still has not reported is taken for wedged, and the
 * whole sandbox is killed. Long, because the zygote serves other runs too (the warm template serves
 * every request): under load a kill report can take seconds, and killing a slow but working zygote
 * failed every concurrent run.
 */
const WEDGED_MS = 30_000;
const READY_TIMEOUT_MS = 15_000;

// Startup settings a fresh interpreter reads from the environment; a forked run cannot honour
// them, so a run that sets one gets a real exec instead.
const inlineSafePythonVars = new Set(["PYTHONUNBUFFERED", "PYTHONDONTWRITEBYTECODE"]);

export interface ForkLaunch {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export interface ForkRunSpec {
  argv: string[];
  cwd?: string;
  env: Record<string, string>;
  stdin?: string;
  /** Also the run's timeout and output cap (timeout_s, output_bytes). */
  limits: Limits;
  signal?: AbortSignal;
  notices?: string[];
  onOutput?: OutputTap;
  /** The interpreter path for which `[python, "-c", code]` runs inline in the fork. */
  python: string | null;
  /**
   * A template server's run in a fresh sandbox of its own: the session directory (its name under
   * the sessions root) at /sandbox, the run's uid, the size of its private /tmp.
   */
  fresh?: FreshSandbox;
  /** The key of a sandbox prepared for it (prepare()); used once, else the run forks its own. */
  prepared?: string;
}

export interface FreshSandbox {
  dir: string;
  uid: number;
  tmp_bytes: number;
}

interface ExitReport {
  exit_code?: number;
  signal?: number;
  failure?: string;
  supervisor_gone?: boolean;
}

interface Pending {
  out: Capture;
  err: Capture;
  done: (r: ExitReport | { zygoteDied: string }) => void;
  flood: () => void;
}

/**
 * How `argv` can run inline in a fork of the zygote: a `python -c` (true), with `script` also a
 * `python main.py [args]` ("script", the warm template's runs), or not at all (false: exec). Never
 * with start-up-only PYTHON* variables in the environment.
 */
export function canRunInline(argv: string[], env: Record<string, string>, python: string | null, script = false): boolean | "script" {
  if (!python || argv.length < 2) return false;
  if (argv[0] !== python && argv[0] !== "python3" && argv[0] !== "python") return false;
  if (env.PLAYGROUND_FORKSERVER === "0") return false;
  if (!Object.keys(env).every((k) => !k.startsWith("PYTHON") || inlineSafePythonVars.has(k))) return false;
  if (argv.length === 3 && argv[1] === "-c") return true;
  return script && argv[1]!.endsWith(".py") && !argv[1]!.startsWith("-") ? "script" : false;
}

export class LocalForkServer {
  private child: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private pending = new Map<number, Pending>();
  private nextId = 1;
  /** Set when the previous zygote died; the next run's result says it was replaced. */
  private replacedBecause: string | null = null;
  private closed = false;

  constructor(private readonly launch: () => ForkLaunch) {}

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the zygote now (a new session pre-warms it so its first run does not wait). */
  start(): Promise<void> {
    if (this.ready && this.alive) return this.ready;
    const { file, args, env } = this.launch();
    const child = spawn(file, args, { env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    this.buf = Buffer.alloc(0);
    let stderr = "";
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the fork server did not start within ${READY_TIMEOUT_MS / 1000} s`));
        this.killZygote();
      }, READY_TIMEOUT_MS);
      const onFrame = (rid: number, kind: number) => {
        if (rid === 0 && kind === KIND_READY) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on("data", (b: Buffer) => this.onData(b, onFrame));
      child.stderr!.on("data", (b: Buffer) => {
        if (stderr.length < 4000) stderr += b.toString("utf8");
      });
      child.stdin!.on("error", () => {});
      child.on("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on("exit", (code, sig) => {
        clearTimeout(timer);
        if (this.child === child) this.child = null;
        const why = `the session's fork server exited (${sig ?? `status ${code}`})${stderr.trim() ? `: ${stderr.trim().split("\n").slice(-1)[0]}` : ""}`;
        reject(new Error(why));
        if (!this.closed) this.replacedBecause = why;
        for (const p of this.pending.values()) p.done({ zygoteDied: why });
        this.pending.clear();
      });
    });
    this.ready.catch(() => {});
    return this.ready;
  }

  private onData(b: Buffer, onFrame: (rid: number, kind: number) => void) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, b]) : b;
    let off = 0;
    while (this.buf.length - off >= HEADER) {
      const len = this.buf.readUInt32LE(off);
      if (this.buf.length - off < HEADER + len) break;
      const rid = this.buf.readUInt32LE(off + 4);
      const kind = this.buf.readUInt8(off + 8);
      const payload = this.buf.subarray(off + HEADER, off + HEADER + len);
      off += HEADER + len;
      onFrame(rid, kind);
      const p = this.pending.get(rid);
      if (!p) continue;
      if (kind === KIND_OUT || kind === KIND_ERR) {
        const cap = kind === KIND_OUT ? p.out : p.err;
        cap.push(Buffer.from(payload));
        p.flood();
      } else if (kind === KIND_EXIT) {
        this.pending.delete(rid);
        p.done(JSON.parse(payload.toString("utf8")) as ExitReport);
      }
    }
    this.buf = off === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(off);
  }

  private send(msg: unknown) {
    this.child?.stdin?.write(`${JSON.stringify(msg)}\n`);
  }

  /** Kills the zygote's whole sandbox (bwrap's process group: its pid namespace dies with it). */
  killZygote() {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }

  close() {
    this.closed = true;
    this.killZygote();
  }

  /**
   * A template server prepares a fresh sandbox ahead of its run (its namespaces, mounts and the
   * run process up to its request), so a run that names `key` skips that work. Fire and forget:
   * a sandbox that could not be prepared is made by the run itself.
   */
  prepare(key: string, fresh: FreshSandbox) {
    if (this.alive) this.send({ op: "prepare", key, fresh });
  }

  /** Ends a prepared sandbox that will not run (its session closed first). */
  discard(key: string) {
    if (this.alive) this.send({ op: "discard", key });
  }

  /** Runs one command in a fork. Never throws: a failure is a RunOutcome with `failure`. */
  async run(spec: ForkRunSpec): Promise<RunOutcome> {
    const started = performance.now();
    const notices = [...(spec.notices ?? [])];
    if (spec.signal?.aborted) return emptyOutcome({ started, isolated: true, notices, extra: { cancelled: true } });
    if (!this.alive) {
      try {
        await this.start();
      } catch (e) {
        return emptyOutcome({ started, isolated: true, notices, extra: { failure: `Could not start the session's fork server: ${(e as Error).message}` } });
      }
    } else {
      try {
        await this.ready;
      } catch (e) {
        return emptyOutcome({ started, isolated: true, notices, extra: { failure: `The session's fork server is not usable: ${(e as Error).message}` } });
      }
    }
    if (this.replacedBecause) {
      notices.push(`The fork server was replaced before this run: ${this.replacedBecause}.`);
      this.replacedBecause = null;
    }
    const id = this.nextId++;
    const outputBytes = spec.limits.output_bytes;
    const timeoutMs = spec.limits.timeout_s * 1000;
    const tap = spec.onOutput;
    const out = new Capture(outputBytes, tap && ((b) => tap("stdout", b)));
    const err = new Capture(outputBytes, tap && ((b) => tap("stderr", b)));
    const limit = drainLimit(outputBytes);
    let timedOut = false;
    let cancelled = false;
    let flooded = false;
    let graceTimer: NodeJS.Timeout | undefined;
    let finish: ((report: ExitReport | { zygoteDied: string } | { unreported: true }) => void) | undefined;
    const killRun = () => {
      this.send({ op: "kill", id });
      // A slow zygote (load) delays only this run's answer; one that never reports (stopped,
      // wedged) costs the whole sandbox, not the guarantee.
      graceTimer ??= setTimeout(() => finish?.({ unreported: true }), KILL_GRACE_MS);
    };
    return await new Promise<RunOutcome>((resolve) => {
      const timer = setTimeout(() => {
        timedOut = true;
        killRun();
      }, timeoutMs);
      const onAbort = () => {
        cancelled = true;
        killRun();
      };
      spec.signal?.addEventListener("abort", onAbort, { once: true });
      this.pending.set(id, {
        out,
        err,
        flood: () => {
          if (!flooded && (out.total > limit || err.total > limit)) {
            flooded = true;
            killRun();
          }
        },
        done: (report) => finish?.(report),
      });
      finish = (report) => {
          finish = undefined;
          clearTimeout(timer);
          if (graceTimer) clearTimeout(graceTimer);
          spec.signal?.removeEventListener("abort", onAbort);
          let failure: string | undefined;
          let exitCode: number | null = null;
          let sig: string | undefined;
          if ("unreported" in report) {
            // Answered without the report: the kill stays requested, and the zygote is killed if it never reports.
            const wedged = setTimeout(() => this.pending.has(id) && this.killZygote(), WEDGED_MS);
            wedged.unref();
            const entry = this.pending.get(id);
            if (entry) entry.done = () => { clearTimeout(wedged); this.pending.delete(id); };
            sig = "SIGKILL";
          } else if ("zygoteDied" in report) {
            if (!timedOut && !cancelled && !flooded) {
              failure = `The run ended the session's fork server (${report.zygoteDied}); it is replaced for the next run.`;
            }
            sig = "SIGKILL";
          } else if (report.supervisor_gone) {
            if (!timedOut && !cancelled && !flooded) failure = "The run's supervisor process was killed, so its exit status is unknown.";
            sig = "SIGKILL";
          } else {
            failure = report.failure;
            exitCode = report.exit_code ?? null;
            if (report.signal !== undefined) sig = signalName(report.signal) ?? `SIG${report.signal}`;
          }
          resolve(
            capturedOutcome({
              out, err, outputBytes, exitCode, signal: sig, timedOut, cancelled, flooded,
              failure, notices, started, isolated: true,
            }),
          );
      };
      this.send({
        op: "run",
        id,
        argv: spec.argv,
        cwd: spec.cwd ?? "",
        env: spec.env,
        stdin: spec.stdin ?? null,
        limits: spec.limits,
        inline: canRunInline(spec.argv, spec.env, spec.python, !!spec.fresh),
        ...(spec.fresh ? { fresh: spec.fresh } : {}),
        ...(spec.fresh && spec.prepared ? { prepared: spec.prepared } : {}),
      });
    });
  }
}
