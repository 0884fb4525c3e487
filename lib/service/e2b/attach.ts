import "server-only";
import { createToolSandbox } from "@/lib/sandbox/sandbox";
import { emptyOutcome } from "@/lib/sandbox/run-outcome";
import { PathRejected } from "@/lib/sandbox/workdir-fs";
import { sandboxConfigSchema, type FileEntry, type Sandbox, type RunOutcome, type RunSpec, type SandboxRuntime, type WorkdirFs } from "@/lib/sandbox/types";
import { agentCall } from "./agent-call";
import type { E2BSandbox, GoneReason } from "./sandboxes";

// Attach: a live E2B sandbox as a session of the session manager (id `e2b-<sandbox id>`; the
// manager owns its life, lib/service/e2b/sandboxes.ts), so the Editor opens it like any other
// session: its file list is /home/user, a run is a process beside the agent's (as `user`), a file
// the agent is writing reads as it is now. When it is killed or expires, a tombstone session
// answers with that reason.

export const ATTACH_PREFIX = "e2b-";
const HOME = "/home/user";

export function attachSessionId(sandboxId: string): string {
  return `${ATTACH_PREFIX}${sandboxId}`;
}

function goneText(sb: E2BSandbox, reason: GoneReason | undefined): string {
  return `The E2B sandbox ${sb.id} ${reason === "expired" ? "expired (its timeout passed)" : reason === "crashed" ? `stopped (its ${sb.backend === "docker" ? "container" : "bwrap sandbox"} died)` : "was killed by its owner"}; nothing of it is left.`;
}

function runtimeFor(sb: E2BSandbox, gone: () => GoneReason | undefined): SandboxRuntime {
  const abs = (p: string) => {
    const rel = p.replace(/^\/sandbox\/?/, "");
    if (rel.split("/").includes("..")) throw new PathRejected(`Path ${p} leaves the home directory.`);
    return rel.startsWith("/") ? rel : `${HOME}/${rel}`.replace(/\/+$/, "") || HOME;
  };
  const fsCall = async (msg: Record<string, unknown>) => {
    if (gone()) throw Object.assign(new Error(goneText(sb, gone())), { code: "EGONE" });
    const r = await agentCall(sb, { ...msg, user: "user" });
    if (!r.ok) throw Object.assign(new Error(r.message), { code: r.code });
    return r.value;
  };
  const fs: WorkdirFs = {
    async read(path, opts) {
      const r = await fsCall({ op: "fs.read", path: abs(path), offset: 0, length: opts?.max_bytes ?? 64 * 1024 * 1024, binary: true });
      return Buffer.isBuffer(r.bytes) ? r.bytes : Buffer.alloc(0);
    },
    async write(path, data, opts) {
      if (opts?.create_only && (await fs.exists(path))) throw Object.assign(new Error(`${path} exists`), { code: "EEXIST" });
      await fsCall({ op: "fs.write", path: abs(path), data: data.toString("base64") });
    },
    async mkdir(path) {
      try {
        await fsCall({ op: "fs.mkdir", path: abs(path) });
      } catch (e) {
        // envd refuses an existing path; WorkdirFs.mkdir is "make sure it exists".
        if ((e as { code?: string }).code !== "EEXIST") throw e;
      }
    },
    async remove(path) {
      await fsCall({ op: "fs.remove", path: abs(path) });
    },
    async list(path) {
      const r = await fsCall({ op: "fs.list", path: abs(path), depth: 1 });
      return ((r.entries as Record<string, unknown>[]) ?? []).map(
        (e): FileEntry => ({ name: String(e.name), type: e.type === "dir" ? "dir" : e.type === "file" ? "file" : "other", size: Number(e.size ?? 0) }),
      );
    },
    async exists(path) {
      try {
        await fsCall({ op: "fs.stat", path: abs(path) });
        return true;
      } catch {
        return false;
      }
    },
  };
  return {
    backend: sb.backend,
    isolated: true,
    isolation: sb.isolation,
    python: "python3",
    fs,
    async run(spec: RunSpec): Promise<RunOutcome> {
      const started = performance.now();
      if (gone()) return emptyOutcome({ started, isolated: true, extra: { failure: goneText(sb, gone()) } });
      const [cmd, ...args] = spec.argv;
      const r = await agentCall(sb, { op: "proc.start", cmd, args, envs: spec.env ?? {}, cwd: spec.cwd ? abs(spec.cwd) : HOME, user: "user", stdin: spec.stdin !== undefined });
      if (!r.ok) return emptyOutcome({ started, isolated: true, extra: { failure: r.message } });
      const pid = Number(r.value.pid);
      const cap = spec.limits.output_bytes;
      const out = { stdout: [] as Buffer[], stderr: [] as Buffer[], stdoutBytes: 0, stderrBytes: 0 };
      let timedOut = false;
      let cancelled = false;
      const kill = () => void agentCall(sb, { op: "proc.signal", pid, signal: 9 }, 10_000);
      const result = await new Promise<{ exitCode: number | null; signal: string | null; gone?: string }>((resolve) => {
        const timer = setTimeout(() => {
          timedOut = true;
          kill();
        }, spec.limits.timeout_s * 1000);
        const onAbort = () => {
          cancelled = true;
          kill();
        };
        spec.signal?.addEventListener("abort", onAbort, { once: true });
        // The listener may be called inside listen() (the start's early events, its end too: a
        // short command can be over before the start's reply is read), before `stop` is assigned.
        let over = false;
        let stop: () => void = () => {};
        stop = sb.hub.listen(
          pid,
          (ev) => {
            if (over) return;
            if (ev.kind === "data") {
              // The Editor's runs have no terminal: a PTY's output would only come from another caller's process.
              const k = ev.stream === "pty" ? "stdout" : ev.stream;
              const n = k === "stdout" ? out.stdoutBytes : out.stderrBytes;
              if (n < cap) out[k].push(ev.data.subarray(0, cap - n));
              if (k === "stdout") out.stdoutBytes += ev.data.length;
              else out.stderrBytes += ev.data.length;
              return;
            }
            over = true;
            clearTimeout(timer);
            spec.signal?.removeEventListener("abort", onAbort);
            stop();
            resolve(ev.kind === "end" ? { exitCode: ev.signal ? null : ev.exitCode, signal: ev.signal } : { exitCode: null, signal: null, gone: ev.reason });
          },
          true,
        );
        if (over) stop();
        if (spec.stdin !== undefined) {
          void agentCall(sb, { op: "proc.input", pid, data: Buffer.from(spec.stdin).toString("base64") }).then(() => agentCall(sb, { op: "proc.close_stdin", pid }));
        }
      });
      const outcome: RunOutcome = {
        stdout: Buffer.concat(out.stdout).toString("utf8"),
        stderr: Buffer.concat(out.stderr).toString("utf8"),
        exit_code: result.exitCode,
        ...(result.signal ? { signal: result.signal } : {}),
        timed_out: timedOut,
        cancelled,
        stdout_truncated: out.stdoutBytes > cap,
        stderr_truncated: out.stderrBytes > cap,
        duration_ms: Math.round((performance.now() - started) * 10) / 10,
        isolated: true,
        ...(result.gone ? { failure: goneText(sb, gone()) } : {}),
      };
      return outcome;
    },
  };
}

const attachConfig = () => sandboxConfigSchema.parse({ tools_config: { shell_executor: {}, python_executor: {}, file_operation: {} } });

/** The session of a live E2B sandbox; closing it (the manager does, at the deadline or a kill) ends the sandbox. */
export function attachedSandbox(sb: E2BSandbox, onClose: () => Promise<void>): Sandbox {
  return createToolSandbox({ id: attachSessionId(sb.id), backend: sb.backend, config: attachConfig(), runtime: runtimeFor(sb, () => undefined), onClose });
}

/** What stays of an ended sandbox for a while: every call says why it went. */
export function tombstoneSandbox(sb: E2BSandbox, reason: GoneReason): Sandbox {
  return createToolSandbox({ id: attachSessionId(sb.id), backend: sb.backend, config: attachConfig(), runtime: runtimeFor(sb, () => reason), onClose: async () => {} });
}
