import "server-only";
import { appError } from "@/lib/errors";
import { err, ok, type Result } from "@/lib/result";
import { dockerIsolation, LIVE_TAP_BYTES, type DockerRuntime, type IsolationLevel } from "../types";
import type {
  FileEntry,
  NotebookChannel,
  RunOutcome,
  RunSpec,
  Sandbox,
  SandboxConfig,
  SandboxRuntime,
  WorkdirFs,
} from "../types";
import { emptyOutcome } from "../run-outcome";
import { PathRejected } from "../workdir-fs";
import { AgentConnection, AgentError, AgentUnresponsive, agentRunResponseSchema } from "./docker-agent";
import type { Box } from "./docker-box";
import type { DockerClient } from "./docker-client";
import { runViaExec } from "./docker-exec";

// One sandbox session on the Docker backend: the container it runs in (replaced when it dies or
// wedges), runs and notebook requests through the agent, the working directory through the agent.

/** How long past a run's own timeout the agent may take to answer before the container counts as wedged. */
const WEDGE_GRACE_MS = 10_000;

/** What a session needs from its backend. */
export interface SessionHost {
  readonly transport: "agent" | "exec";
  readonly client: DockerClient;
  /** A ready container for this session (from the pool when the config allows). */
  acquire(config: SandboxConfig, sessionId: string): Promise<{ box: Box; fromPool: boolean }>;
  destroyBox(box: Box): Promise<void>;
}

const PYTHONS = new Set(["python3", "python", "/usr/bin/python3", "/usr/bin/python"]);

/**
 * gVisor bounds RLIMIT_DATA on brk() only, not on anonymous mmap, so under runsc a run's
 * memory_mb would not hold (a 300 MB bytearray under 64 MB succeeded). A Python run also gets
 * RLIMIT_AS at memory_mb: CPython reserves little address space beyond what it uses, so the cap
 * is what it allocates. Not for other programs: the JVM, V8 and Go reserve gigabytes they never
 * touch and would refuse to start; their bound under gVisor is the container's cgroup memory.
 * (docker/sandbox/agent/rlimits.py applies it; agents built before it ignore the field.)
 */
export function addressSpaceCap(runtime: DockerRuntime, argv: readonly string[], memoryMb: number): { address_space_mb?: number } {
  return runtime === "runsc" && PYTHONS.has(argv[0] ?? "") ? { address_space_mb: memoryMb } : {};
}

export class DockerSession implements SandboxRuntime {
  readonly backend = "docker" as const;
  readonly isolated = true;
  readonly isolation: IsolationLevel;
  readonly python = "/usr/bin/python3";
  readonly fs: WorkdirFs;
  sandbox?: Sandbox;
  box!: Box;
  fromPool = false;
  private replacing: Promise<void> | null = null;
  /** Explanations owed to the next result (a container replaced between calls). */
  private pendingNotices: string[] = [];
  private disposed = false;

  constructor(
    private owner: SessionHost,
    readonly id: string,
    readonly config: SandboxConfig,
    private imageLanguages: string[],
    runtime: DockerRuntime,
    readonly toolchainId?: string,
  ) {
    this.isolation = dockerIsolation[runtime];
    this.fs = makeAgentFs(() => this.agentFor("file operation"));
  }

  async init(): Promise<void> {
    const { box, fromPool } = await this.owner.acquire(this.config, this.id);
    this.box = box;
    this.fromPool = fromPool;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.replacing?.catch(() => {});
    if (this.box) await this.owner.destroyBox(this.box);
  }

  async languages(): Promise<string[]> {
    return this.imageLanguages;
  }

  private async agentFor(what: string): Promise<AgentConnection> {
    if (this.disposed) throw new Error("This sandbox session is closed.");
    await this.replacing;
    if (!this.box.agent.alive) {
      const status = await Promise.race([this.box.exited, new Promise<null>((r) => setTimeout(() => r(null), 1000))]);
      const why = `The session's container had stopped${status !== null ? ` (exit ${status}${status === 137 ? ", killed: out of memory or from outside" : ""})` : ""}; it was replaced with a fresh container before this ${what}, so earlier files in /sandbox and notebook state are gone.`;
      await this.replace(why);
      this.pendingNotices.push(why);
    }
    return this.box.agent;
  }

  /** Throws the container away and takes a fresh one. Files and notebook state are lost. */
  private replace(why: string): Promise<void> {
    this.replacing ??= (async () => {
      const old = this.box;
      console.error(`[docker] session ${this.id}: replacing container ${old.id.slice(0, 12)} (${why}); agent log: ${old.agent.log().slice(-5).join(" | ")}`);
      await this.owner.destroyBox(old);
      const { box } = await this.owner.acquire(this.config, this.id);
      this.box = box;
    })().finally(() => {
      this.replacing = null;
    });
    return this.replacing;
  }

  /** Explains a wedged or dead container and replaces it; the run comes back as a failure. */
  private async wedged(e: AgentUnresponsive, spec: RunSpec, started: number): Promise<RunOutcome> {
    const box = this.box;
    let detail: string;
    if (e.kind === "timeout") {
      detail = `The sandbox container stopped answering (no result ${Math.round(WEDGE_GRACE_MS / 1000)} s after the ${spec.limits.timeout_s} s timeout), most likely exhausted by a fork bomb or out of memory.`;
    } else {
      const status = await Promise.race([box.exited, new Promise<null>((r) => setTimeout(() => r(null), 2000))]);
      detail =
        status === 137
          ? this.isolation === "docker · gVisor"
            ? "The sandbox container was killed (exit 137): out of memory, or a run killed its agent (under gVisor a run can kill the container's init)."
            : "The sandbox container was killed (exit 137), most likely by the out-of-memory killer."
          : `The sandbox container stopped unexpectedly${status !== null ? ` (exit ${status})` : ""}.`;
    }
    let replaced = "It was replaced with a fresh container; files in /sandbox and notebook state were lost.";
    try {
      await this.replace(detail);
    } catch (err) {
      replaced = `Replacing it failed: ${err instanceof Error ? err.message : String(err)}`;
    }
    return failure(`${detail} ${replaced}`, started, [detail]);
  }

  async run(spec: RunSpec): Promise<RunOutcome> {
    const started = performance.now();
    let agent: AgentConnection;
    try {
      agent = await this.agentFor("run");
    } catch (e) {
      return failure(e instanceof Error ? e.message : String(e), started);
    }
    const notices = this.pendingNotices.splice(0);
    const withNotices = (o: RunOutcome): RunOutcome => (notices.length ? { ...o, notices: [...notices, ...(o.notices ?? [])] } : o);
    if (this.owner.transport === "exec") return withNotices(await runViaExec(this.owner.client, this.box.container, { ...spec, env: { ...this.config.env, ...spec.env } }));
    if (spec.signal?.aborted) return { ...failure("", started), failure: undefined, cancelled: true };
    const l = spec.limits;
    const { id: runId, response } = agent.send(
      {
        op: "run",
        argv: spec.argv,
        ...(spec.stdin !== undefined ? { stdin: spec.stdin } : {}),
        cwd: spec.cwd ?? "",
        env: spec.env ?? {},
        ...(spec.warm ? { warm: true } : {}),
        // The agent streams the output as it reads it (the Editor's live view, head + tail), up to this much per stream.
        ...(spec.onOutput ? { tap: LIVE_TAP_BYTES } : {}),
        timeout_ms: l.timeout_s * 1000,
        limits: { cpu_time_s: l.cpu_time_s, memory_mb: l.memory_mb, max_processes: l.max_processes, file_size_mb: l.file_size_mb, output_bytes: l.output_bytes, ...addressSpaceCap(this.box.runtime, spec.argv, l.memory_mb) },
      },
      { timeoutMs: l.timeout_s * 1000 + WEDGE_GRACE_MS },
    );
    // Output frames come before the run's answer on the same stream: all of them are in when it resolves.
    const tap = spec.onOutput;
    const untap = tap
      ? agent.onEvent((msg) => {
          if (msg.ev === "out" && msg.run === runId && Buffer.isBuffer(msg.bytes)) tap(msg.stream === "stderr" ? "stderr" : "stdout", msg.bytes);
        })
      : undefined;
    // The agent kills the run's tree and answers the run itself with cancelled: true.
    const abortHandler = () => void agent.request({ op: "cancel", target: runId }, { timeoutMs: 5000 }).catch(() => {});
    spec.signal?.addEventListener("abort", abortHandler, { once: true });
    try {
      const raw = await response;
      const r = agentRunResponseSchema.parse(raw);
      return withNotices({
        stdout: r.stdout,
        stderr: r.stderr,
        exit_code: r.exit_code,
        ...(r.signal ? { signal: r.signal } : {}),
        timed_out: r.timed_out,
        cancelled: r.cancelled,
        stdout_truncated: r.stdout_truncated,
        stderr_truncated: r.stderr_truncated,
        ...((r.stdout_truncated || r.stderr_truncated) && r.stdout_bytes !== undefined && r.stderr_bytes !== undefined
          ? { output_bytes: { limit: spec.limits.output_bytes, stdout: r.stdout_bytes, stderr: r.stderr_bytes } }
          : {}),
        duration_ms: Math.round((performance.now() - started) * 10) / 10,
        isolated: true,
        ...(r.failure ? { failure: r.failure } : {}),
      });
    } catch (e) {
      if (e instanceof AgentUnresponsive) return await this.wedged(e, spec, started);
      return failure(`The sandbox agent failed: ${e instanceof Error ? e.message : String(e)}`, started);
    } finally {
      untap?.();
      spec.signal?.removeEventListener("abort", abortHandler);
    }
  }

  async reset(): Promise<Result<boolean>> {
    if (this.owner.transport === "exec") return err(appError("internal:sandbox", "no agent (exec transport)"));
    try {
      const agent = await this.agentFor("reset");
      const r = await agent.request({ op: "reset" }, { timeoutMs: 30_000 });
      // An agent from an older image answers ok: false, "unknown op".
      if (r.ok !== true || typeof r.clean !== "boolean") return err(appError("internal:sandbox", String(r.error ?? "reset is not supported by this image's agent")));
      if (!r.clean) console.warn(`[docker] sandbox ${this.box.container.id.slice(0, 12)} not clean after reset: ${JSON.stringify(r.left)}`);
      return ok(r.clean);
    } catch (e) {
      return err(appError("internal:sandbox", e instanceof Error ? e.message : String(e)));
    }
  }

  async notebook(): Promise<Result<NotebookChannel>> {
    if (!this.imageLanguages.includes("python")) return err(appError("unavailable:python", "The sandbox image has no Python."));
    const session = this;
    return ok({
      async request(msg, opts) {
        const agent = await session.agentFor("notebook request");
        try {
          return await agent.request({ op: "nb", msg }, opts);
        } catch (e) {
          if (e instanceof AgentUnresponsive) {
            await session.replace(`notebook request failed: ${e.message}`).catch(() => {});
            throw new Error("The sandbox container stopped answering; it was replaced, and the kernel state is lost.");
          }
          throw e;
        }
      },
      async interrupt() {
        const agent = await session.agentFor("notebook interrupt");
        await agent.request({ op: "nb", msg: { op: "interrupt" } }, { timeoutMs: 5000 }).catch(() => {});
      },
    });
  }
}

function failure(message: string, started: number, notices?: string[]): RunOutcome {
  return emptyOutcome({ started, isolated: true, notices, extra: { failure: message } });
}

/** WorkdirFs through the agent. Errors carry errno codes (and PathRejected) like the local one. */
function makeAgentFs(agent: () => Promise<AgentConnection>): WorkdirFs {
  async function call(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    const a = await agent();
    try {
      return await a.request(msg, { timeoutMs: 60_000 });
    } catch (e) {
      if (e instanceof AgentError) {
        if (e.code === "EREJECTED") throw new PathRejected(e.message);
        throw Object.assign(new Error(e.message), { code: e.code });
      }
      throw e;
    }
  }
  return {
    async read(path, opts) {
      const r = await call({ op: "fs.read", path, ...(opts?.max_bytes !== undefined ? { max_bytes: opts.max_bytes } : {}) });
      return Buffer.from(String(r.data ?? ""), "base64");
    },
    async write(path, data, opts) {
      await call({ op: "fs.write", path, data: data.toString("base64"), create_only: !!opts?.create_only, ...(opts?.mode !== undefined ? { mode: opts.mode } : {}) });
    },
    async mkdir(path) {
      await call({ op: "fs.mkdir", path });
    },
    async remove(path) {
      await call({ op: "fs.remove", path });
    },
    async list(path) {
      const r = await call({ op: "fs.list", path });
      return (r.entries as FileEntry[]) ?? [];
    },
    async exists(path) {
      const r = await call({ op: "fs.exists", path });
      return r.exists === true;
    },
  };
}
