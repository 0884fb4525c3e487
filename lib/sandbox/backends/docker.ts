import "server-only";
import { randomUUID } from "node:crypto";
import os from "node:os";
import type { Duplex } from "node:stream";
import type Docker from "dockerode";
import { serverEnv } from "@/lib/env";
import { createToolSandbox } from "../sandbox";
import type {
  BackendAvailability,
  DockerOptions,
  FileEntry,
  NotebookChannel,
  RunOutcome,
  RunSpec,
  Sandbox,
  SandboxBackend,
  SandboxConfig,
  SandboxConfigInput,
  SandboxRuntime,
  WorkdirFs,
} from "../types";
import { dockerOptionsSchema, sandboxConfigSchema } from "../types";
import { emptyOutcome } from "../run-outcome";
import { PathRejected } from "../workdir-fs";
import { AgentConnection, AgentError, AgentUnresponsive, agentHelloSchema, agentRunResponseSchema } from "./docker-agent";
import {
  APP,
  BUILD_IMAGE_COMMAND,
  IMAGE_LABEL_AGENT,
  IMAGE_LABEL_HASH,
  IMAGE_LABEL_LANGUAGES,
  LABEL_APP,
  LABEL_CREATED,
  LABEL_OWNER,
  LABEL_SESSION,
  dcall,
  dcallIdempotent,
  describeDockerError,
  dockerFromEnv,
  dockerHostDescription,
  withTimeout,
} from "./docker-client";
import { runViaExec } from "./docker-exec";
import { processAlive } from "../proc";

const MiB = 1024 * 1024;
const sessionIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
/** How long past a run's own timeout the agent may take to answer before the container counts as wedged. */
const WEDGE_GRACE_MS = 10_000;
const START_TIMEOUT_MS = 30_000;
/** Per-container uids come from here (a fresh uid per container makes RLIMIT_NPROC bind per session). */
const UID_BASE = 400_000;
const UID_SPAN = 60_000;

export interface DockerBackendOptions {
  image?: string;
  poolSize?: number;
  idleTtlMs?: number;
  /** How often idle sessions are looked for. */
  sweepMs?: number;
  transport?: "agent" | "exec";
  docker?: Docker;
}

/** A started container with its agent connection. */
interface Box {
  id: string;
  container: Docker.Container;
  agent: AgentConnection;
  uid: number;
  createdAt: number;
  /** Resolves with the exit status once the container has stopped. */
  exited: Promise<number | null>;
}

/**
 * Docker Engine backend: one hardened container per session, driven through dockerode. Runs go to
 * an executor agent (PID 1 in the container) over the attached stream; a warm pool of started
 * containers makes new sessions cheap.
 */
export class DockerBackend implements SandboxBackend {
  readonly name = "docker" as const;
  readonly docker: Docker;
  readonly ownerId = `${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  readonly image: string;
  readonly transport: "agent" | "exec";
  private poolSize: number;
  private idleTtlMs: number;
  private sweepMs: number;
  private sessions = new Map<string, DockerSession>();
  private pool: Box[] = [];
  private filling = 0;
  /** Sessions waiting for a pool container that is still starting. */
  private waiters: ((box: Box | undefined) => void)[] = [];
  private boxes = new Set<Box>();
  /** Container starts in progress (shutdown waits for them so nothing starts after it). */
  private inflight = new Set<Promise<Box>>();
  private startup: Promise<void> | null = null;
  private sweeper: NodeJS.Timeout | null = null;
  private closed = false;
  private defaults = dockerOptionsSchema.parse({});

  constructor(opts: DockerBackendOptions = {}) {
    const env = serverEnv();
    this.docker = opts.docker ?? dockerFromEnv();
    this.image = opts.image ?? env.PLAYGROUND_DOCKER_IMAGE;
    this.poolSize = opts.poolSize ?? env.PLAYGROUND_DOCKER_POOL_SIZE;
    this.idleTtlMs = opts.idleTtlMs ?? env.PLAYGROUND_DOCKER_IDLE_TTL_S * 1000;
    this.sweepMs = opts.sweepMs ?? Math.min(60_000, Math.max(1000, this.idleTtlMs / 4));
    this.transport = opts.transport ?? env.PLAYGROUND_DOCKER_TRANSPORT;
  }

  // ---------------------------------------------------------------- availability

  async availability(): Promise<BackendAvailability> {
    const base = { backend: "docker" as const, isolated: true };
    try {
      await withTimeout(this.docker.ping(), 3000, "Docker daemon");
    } catch (e) {
      return { ...base, available: false, isolated: false, reason: `Docker is not reachable at ${dockerHostDescription()}: ${describeDockerError(e)}` };
    }
    const img = await this.inspectImage(this.image);
    if (!img.ok) return { ...base, available: false, reason: img.reason };
    // The first status check (the app's status bar) reaps orphans and starts filling the pool.
    if (!this.closed) void this.start();
    return {
      ...base,
      available: true,
      reason: `image ${this.image}${img.hash ? ` (inputs ${img.hash.slice(0, 8)})` : ""}; network none, read-only root, no capabilities; ${this.pool.length}/${this.poolSize} warm`,
      languages: img.languages,
    };
  }

  /** Image metadata, or why it cannot be used (with the command that builds it). */
  async inspectImage(image: string): Promise<{ ok: true; languages: string[]; hash?: string; agent: boolean } | { ok: false; reason: string }> {
    try {
      const info = await withTimeout(this.docker.getImage(image).inspect(), 5000, "Image inspect");
      const labels = info.Config?.Labels ?? {};
      const langs = (labels[IMAGE_LABEL_LANGUAGES] ?? "").split(",").filter(Boolean);
      return { ok: true, languages: langs, hash: labels[IMAGE_LABEL_HASH], agent: !!labels[IMAGE_LABEL_AGENT] };
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) {
        return { ok: false, reason: `The sandbox image ${image} is missing. Build it with: ${BUILD_IMAGE_COMMAND}` };
      }
      return { ok: false, reason: `Cannot inspect the sandbox image ${image}: ${describeDockerError(e)}` };
    }
  }

  // ---------------------------------------------------------------- sessions

  async create(configInput?: SandboxConfigInput, opts?: { sessionId?: string }): Promise<Sandbox> {
    if (this.closed) throw new Error("The Docker backend has been shut down.");
    const config = sandboxConfigSchema.parse(configInput ?? {});
    const id = opts?.sessionId ?? randomUUID();
    if (!sessionIdPattern.test(id)) throw new Error(`Invalid session id ${JSON.stringify(id)} (letters, digits, _ and -, up to 64).`);
    if (this.sessions.has(id)) throw new Error(`Session ${id} already exists in this process.`);
    await this.start();
    const image = config.image ?? this.image;
    const img = await this.inspectImage(image);
    if (!img.ok) throw new Error(img.reason);
    if (!img.agent && this.transport === "agent") {
      throw new Error(`The image ${image} has no executor agent (label ${IMAGE_LABEL_AGENT}); build it with ${BUILD_IMAGE_COMMAND}.`);
    }
    const session = new DockerSession(this, id, config, img.languages);
    this.sessions.set(id, session);
    try {
      await session.init();
    } catch (e) {
      this.sessions.delete(id);
      throw e;
    }
    const sandbox = createToolSandbox({ id, backend: "docker", config, runtime: session, onClose: () => this.closeSession(id) });
    session.sandbox = sandbox;
    return sandbox;
  }

  /** Whether a session with this config can take a pre-started container. */
  private poolable(config: SandboxConfig): boolean {
    return (config.image ?? this.image) === this.image && JSON.stringify(config.docker) === JSON.stringify(this.defaults);
  }

  /** A ready container for a session: from the pool when the config allows, else a fresh one. */
  async acquire(config: SandboxConfig, sessionId: string): Promise<{ box: Box; fromPool: boolean }> {
    if (this.poolable(config)) {
      const box = this.takeFromPool();
      this.refill();
      const waited = box ?? (this.filling > this.waiters.length ? await this.waitForFill() : undefined);
      if (waited) {
        const box = waited;
        // Rename so `docker ps` shows the session; not awaited (it is cosmetic and costs a round trip).
        void box.container.rename({ name: `rp-${sessionId}-${box.id.slice(0, 6)}` }).catch(() => {});
        return { box, fromPool: true };
      }
    }
    return { box: await this.startBox(config.image ?? this.image, config.docker, sessionId), fromPool: false };
  }

  /** The next container a running pool fill produces, or undefined if that fill fails. */
  private waitForFill(): Promise<Box | undefined> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private takeFromPool(): Box | undefined {
    while (this.pool.length) {
      const box = this.pool.shift()!;
      if (box.agent.alive) return box;
      void this.destroyBox(box);
    }
    return undefined;
  }

  /** Starts pool containers in the background until the pool is full. */
  refill(): void {
    if (this.closed) return;
    while (this.pool.length + this.filling < this.poolSize) {
      this.filling++;
      this.startBox(this.image, this.defaults, null)
        .then((box) => {
          const waiter = this.waiters.shift();
          if (waiter) waiter(box);
          else if (this.closed) void this.destroyBox(box);
          else this.pool.push(box);
        })
        .catch((e) => {
          this.waiters.shift()?.(undefined);
          if (!this.closed) console.error(`[docker] pool refill failed: ${e instanceof Error ? e.message : String(e)}`);
        })
        .finally(() => {
          this.filling--;
        });
      // A failing daemon must not spin: refill again only on the next acquire.
      if (this.filling > this.poolSize * 2) break;
    }
  }

  /** Waits until the pool holds `n` ready containers (tests and benchmarks). */
  async warm(n = this.poolSize): Promise<void> {
    await this.start();
    this.refill();
    const deadline = Date.now() + 120_000;
    while (this.pool.length < Math.min(n, this.poolSize)) {
      if (Date.now() > deadline) throw new Error("The warm pool did not fill within 120 s.");
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  get warmCount(): number {
    return this.pool.length;
  }

  /** Creates, attaches, starts a hardened container and waits for its agent. */
  startBox(image: string, d: DockerOptions, sessionId: string | null): Promise<Box> {
    const p = this.startBoxInner(image, d, sessionId);
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  private async startBoxInner(image: string, d: DockerOptions, sessionId: string | null): Promise<Box> {
    const uid = d.user ? Number(d.user.split(":")[0]) : UID_BASE + Math.floor(Math.random() * UID_SPAN);
    const gid = d.user ? Number(d.user.split(":")[1]) : uid;
    const createdAt = Date.now();
    const hostConfig: Docker.HostConfig = {
      NetworkMode: d.network_mode,
      Memory: d.memory_mb * MiB,
      MemorySwap: d.memory_mb * MiB,
      NanoCpus: Math.round(d.cpus * 1e9),
      PidsLimit: d.pids_limit,
      ReadonlyRootfs: d.read_only_rootfs,
      Tmpfs: {
        "/sandbox": `rw,exec,nosuid,nodev,size=${d.workdir_mb}m,uid=${uid},gid=${gid},mode=0755`,
        "/tmp": `rw,exec,nosuid,nodev,size=${d.tmp_mb}m,mode=1777`,
      },
      CapDrop: d.cap_drop,
      SecurityOpt: d.no_new_privileges ? ["no-new-privileges"] : [],
      // When our attach stream closes (this process exits or dies), stdin closes, the agent exits
      // and the daemon removes the container: a crash leaks nothing.
      AutoRemove: true,
      Init: false,
    };
    const container = await dcall("container create", undefined, () =>
      this.docker.createContainer({
        Image: image,
        User: `${uid}:${gid}`,
        WorkingDir: "/sandbox",
        Labels: {
          [LABEL_APP]: APP,
          [LABEL_SESSION]: sessionId ?? "(pool)",
          [LABEL_CREATED]: new Date(createdAt).toISOString(),
          [LABEL_OWNER]: this.ownerId,
        },
        OpenStdin: true,
        StdinOnce: true,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        HostConfig: hostConfig,
      }),
    );
    const id = container.id;
    let box: Box | undefined;
    try {
      const stream = (await dcall("container attach", id, () =>
        container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }),
      )) as unknown as Duplex;
      const agent = new AgentConnection(stream, this.docker.modem, id);
      const exited = container
        .wait({ condition: "next-exit" })
        .then((r: { StatusCode?: number }) => r.StatusCode ?? null)
        .catch(() => null);
      box = { id, container, agent, uid, createdAt, exited };
      this.boxes.add(box);
      await dcall("container start", id, () => container.start());
      await withTimeout(agent.ready, START_TIMEOUT_MS, `The executor agent in container ${id.slice(0, 12)}`);
      return box;
    } catch (e) {
      if (box) await this.destroyBox(box);
      else await dcallIdempotent("container remove", id, () => container.remove({ force: true }));
      throw e;
    }
  }

  async destroyBox(box: Box): Promise<void> {
    this.boxes.delete(box);
    box.agent.close();
    await dcallIdempotent("container remove", box.id, () => box.container.remove({ force: true })).catch(() => {});
  }

  async closeSession(id: string): Promise<void> {
    const s = this.sessions.get(id);
    if (!s) return;
    this.sessions.delete(id);
    await s.dispose();
  }

  /** The container serving a session (tests, diagnostics). */
  containerOf(sessionId: string): { id: string; fromPool: boolean } | undefined {
    const s = this.sessions.get(sessionId);
    return s?.box ? { id: s.box.id, fromPool: s.fromPool } : undefined;
  }

  /** Ids of the warm containers. */
  poolIds(): string[] {
    return this.pool.map((b) => b.id);
  }

  sessionIds(): string[] {
    return [...this.sessions.keys()];
  }

  // ---------------------------------------------------------------- lifecycle

  /** Once per backend: reap orphans, start the idle sweeper, fill the pool. */
  start(): Promise<void> {
    this.startup ??= (async () => {
      await this.reapOrphans().catch((e) => console.error(`[docker] reaping orphans failed: ${e instanceof Error ? e.message : String(e)}`));
      this.sweeper = setInterval(() => void this.sweepIdle(), this.sweepMs);
      this.sweeper.unref();
      this.refill();
    })();
    return this.startup;
  }

  /** Closes sessions idle longer than the TTL (nothing running). Returns how many. */
  async sweepIdle(now = Date.now()): Promise<number> {
    const idle = [...this.sessions.values()].filter((s) => s.running === 0 && now - s.lastUsed > this.idleTtlMs);
    await Promise.all(
      idle.map(async (s) => {
        console.info(`[docker] session ${s.id} idle for ${Math.round((now - s.lastUsed) / 1000)} s: closing its container`);
        s.expired = true;
        await (s.sandbox ? s.sandbox.close() : this.closeSession(s.id));
      }),
    );
    return idle.length;
  }

  /**
   * Removes labelled containers nobody owns: those of a process on this host that is gone, and
   * (for remote daemons) any older than two idle TTLs. Ours, and live processes', are left alone.
   */
  async reapOrphans(): Promise<number> {
    const list = await dcall("container list", undefined, () =>
      this.docker.listContainers({ all: true, filters: { label: [`${LABEL_APP}=${APP}`] } }),
    );
    const host = os.hostname();
    let n = 0;
    for (const c of list) {
      const owner = c.Labels?.[LABEL_OWNER] ?? "";
      if (owner === this.ownerId) continue;
      const [ownerHost, ownerPid] = owner.split("/");
      const created = Date.parse(c.Labels?.[LABEL_CREATED] ?? "") || c.Created * 1000;
      const orphan =
        ownerHost === host ? !processAlive(Number(ownerPid)) : Date.now() - created > 2 * this.idleTtlMs || !owner;
      if (!orphan) continue;
      await dcallIdempotent("orphan remove", c.Id, () => this.docker.getContainer(c.Id).remove({ force: true }));
      n++;
    }
    if (n) console.info(`[docker] reaped ${n} orphaned sandbox container(s)`);
    return n;
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all([...this.sessions.keys()].map((id) => this.closeSession(id)));
    await Promise.allSettled([...this.inflight]);
    const pool = this.pool.splice(0);
    await Promise.all([...pool, ...this.boxes].map((b) => this.destroyBox(b)));
    // Anything still labelled as ours (a start that was in flight) goes too.
    const list = await this.docker
      .listContainers({ all: true, filters: { label: [`${LABEL_OWNER}=${this.ownerId}`] } })
      .catch(() => []);
    await Promise.all(list.map((c) => dcallIdempotent("container remove", c.Id, () => this.docker.getContainer(c.Id).remove({ force: true })).catch(() => {})));
  }

  /** Process exit: closing the attach streams makes every agent exit and its container auto-remove. */
  shutdownSync(): void {
    this.closed = true;
    for (const b of this.boxes) b.agent.close();
  }

  /** Our labelled containers that still exist (tests assert this reaches zero). */
  async ownedContainers(): Promise<string[]> {
    const list = await dcall("container list", undefined, () =>
      this.docker.listContainers({ all: true, filters: { label: [`${LABEL_OWNER}=${this.ownerId}`] } }),
    );
    return list.map((c) => c.Id);
  }
}

// ---------------------------------------------------------------- one session

class DockerSession implements SandboxRuntime {
  readonly backend = "docker" as const;
  readonly isolated = true;
  readonly python = "/usr/bin/python3";
  readonly fs: WorkdirFs;
  sandbox?: Sandbox;
  box!: Box;
  running = 0;
  lastUsed = Date.now();
  expired = false;
  fromPool = false;
  private replacing: Promise<void> | null = null;
  /** Explanations owed to the next result (a container replaced between calls). */
  private pendingNotices: string[] = [];
  private disposed = false;

  constructor(
    private owner: DockerBackend,
    readonly id: string,
    readonly config: SandboxConfig,
    private imageLanguages: string[],
  ) {
    this.fs = makeAgentFs(() => this.agentFor("file operation"));
  }

  async init(): Promise<void> {
    const { box, fromPool } = await this.owner.acquire(this.config, this.id);
    this.box = box;
    this.fromPool = fromPool;
    this.lastUsed = Date.now();
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
    if (this.disposed) throw new Error(`This sandbox session is closed${this.expired ? " (it expired after being idle)" : ""}.`);
    await this.replacing;
    if (!this.box.agent.alive) {
      const status = await Promise.race([this.box.exited, new Promise<null>((r) => setTimeout(() => r(null), 1000))]);
      const why = `The session's container had stopped${status !== null ? ` (exit ${status}${status === 137 ? ", killed: out of memory or from outside" : ""})` : ""}; it was replaced with a fresh container before this ${what}, so earlier files in /sandbox and notebook state are gone.`;
      await this.replace(why);
      this.pendingNotices.push(why);
    }
    this.lastUsed = Date.now();
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
          ? "The sandbox container was killed (exit 137), most likely by the out-of-memory killer."
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
    this.running++;
    try {
      let agent: AgentConnection;
      try {
        agent = await this.agentFor("run");
      } catch (e) {
        return failure(e instanceof Error ? e.message : String(e), started);
      }
      const notices = this.pendingNotices.splice(0);
      const withNotices = (o: RunOutcome): RunOutcome => (notices.length ? { ...o, notices: [...notices, ...(o.notices ?? [])] } : o);
      if (this.owner.transport === "exec") return withNotices(await runViaExec(this.box.container, this.owner.docker.modem, { ...spec, env: { ...this.config.env, ...spec.env } }));
      if (spec.signal?.aborted) return { ...failure("", started), failure: undefined, cancelled: true };
      const l = spec.limits;
      const { id: runId, response } = agent.send(
        {
          op: "run",
          argv: spec.argv,
          ...(spec.stdin !== undefined ? { stdin: spec.stdin } : {}),
          cwd: spec.cwd ?? "",
          env: spec.env ?? {},
          timeout_ms: l.timeout_s * 1000,
          limits: { cpu_time_s: l.cpu_time_s, memory_mb: l.memory_mb, max_processes: l.max_processes, file_size_mb: l.file_size_mb, output_bytes: l.output_bytes },
        },
        { timeoutMs: l.timeout_s * 1000 + WEDGE_GRACE_MS },
      );
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
          duration_ms: Math.round((performance.now() - started) * 10) / 10,
          isolated: true,
          ...(r.failure ? { failure: r.failure } : {}),
        });
      } catch (e) {
        if (e instanceof AgentUnresponsive) return await this.wedged(e, spec, started);
        return failure(`The sandbox agent failed: ${e instanceof Error ? e.message : String(e)}`, started);
      } finally {
        spec.signal?.removeEventListener("abort", abortHandler);
      }
    } finally {
      this.running--;
      this.lastUsed = Date.now();
    }
  }

  async notebook(): Promise<NotebookChannel | { unavailable: string }> {
    if (!this.imageLanguages.includes("python")) return { unavailable: "The sandbox image has no Python." };
    const session = this;
    return {
      async request(msg, opts) {
        const agent = await session.agentFor("notebook request");
        session.running++;
        try {
          return await agent.request({ op: "nb", msg }, opts);
        } catch (e) {
          if (e instanceof AgentUnresponsive) {
            await session.replace(`notebook request failed: ${e.message}`).catch(() => {});
            throw new Error("The sandbox container stopped answering; it was replaced, and the kernel state is lost.");
          }
          throw e;
        } finally {
          session.running--;
          session.lastUsed = Date.now();
        }
      },
      async interrupt() {
        const agent = await session.agentFor("notebook interrupt");
        await agent.request({ op: "nb", msg: { op: "interrupt" } }, { timeoutMs: 5000 }).catch(() => {});
      },
    };
  }

  /** Pings the agent (tests, health). */
  async hello(): Promise<{ pid: number; uid: number; languages: string[] }> {
    const agent = await this.agentFor("hello");
    return agentHelloSchema.parse(await agent.request({ op: "hello" }, { timeoutMs: 5000 }));
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
      await call({ op: "fs.write", path, data: data.toString("base64"), create_only: !!opts?.create_only });
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
