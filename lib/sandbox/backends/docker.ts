import "server-only";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type Docker from "dockerode";
import { appError } from "@/lib/errors";
import { serverEnv } from "@/lib/env";
import { err, ok, type Result } from "@/lib/result";
import { createToolSandbox } from "../sandbox";
import type { BackendAvailability, DockerOptions, Sandbox, SandboxBackend, SandboxConfig, SandboxConfigInput } from "../types";
import { dockerIsolation, dockerOptionsSchema, sandboxConfigSchema, sandboxSessionIdSchema, type DockerRuntime } from "../types";
import { destroyBox, startBox, type Box } from "./docker-box";
import {
  BUILD_IMAGE_COMMAND,
  DockerCallError,
  DockerClient,
  IMAGE_LABEL_AGENT,
  describeDockerError,
  dockerFromEnv,
  dockerHostDescription,
  type ImageInfo,
} from "./docker-client";
import { WarmPool } from "./docker-pool";
import { newOwnerId, ownedContainers, reapOrphans, removeOwned } from "./docker-reaper";
import { DockerSession, type SessionHost } from "./docker-session";

// The Docker backend: sessions, their containers and the backend's lifecycle. The pieces it uses:
// docker-client (every Engine API call), docker-box (one hardened container + agent), docker-pool
// (warm containers), docker-reaper (labels, orphans), docker-session (one session).


export interface DockerBackendOptions {
  image?: string;
  poolSize?: number;
  /** Remote daemons: containers of another process older than this are orphans (default 2 × PLAYGROUND_DOCKER_IDLE_TTL_S). */
  orphanAgeMs?: number;
  transport?: "agent" | "exec";
  /** OCI runtime: runc, runsc (gVisor) or auto (runsc when dockerd has it). */
  runtime?: "runc" | "runsc" | "auto";
  /** How envd talks to this server (default PLAYGROUND_E2B_ENVD_CHANNEL). */
  envdChannel?: "socket" | "attach";
  docker?: Docker;
}

/** What to run so that dockerd has runsc (the message of a refused PLAYGROUND_DOCKER_RUNTIME=runsc). */
export const RUNSC_FIX =
  `apt-get install runsc, add {"runtimes":{"runsc":{"path":"/usr/bin/runsc","runtimeArgs":["--network=none"]}}} to /etc/docker/daemon.json, then reload dockerd: kill -HUP "$(pidof dockerd)"`;

/**
 * Docker Engine backend: one hardened container per session, driven through dockerode. Runs go to
 * an executor agent (PID 1 in the container) over the attached stream; a warm pool of started
 * containers makes new sessions cheap.
 */
export class DockerBackend implements SandboxBackend, SessionHost {
  readonly name = "docker" as const;
  readonly client: DockerClient;
  readonly ownerId = newOwnerId();
  readonly image: string;
  readonly transport: "agent" | "exec";
  readonly runtimeChoice: "runc" | "runsc" | "auto";
  readonly envdChannelChoice: "socket" | "attach";
  /** The resolved runtime, once dockerd has said which it has (a failure is asked again next time). */
  private resolvedRuntime: DockerRuntime | null = null;
  private orphanAgeMs: number;
  private sessions = new Map<string, DockerSession>();
  private pool: WarmPool;
  /** Warm E2B sandbox containers (the default image, envd agent started); created on first use. */
  private envdPool: WarmPool | null = null;
  /** Every container with an attached agent (shutdownSync closes their streams). */
  private boxes = new Set<Box>();
  /** Container starts in progress (shutdown waits for them so nothing starts after it). */
  private inflight = new Set<Promise<Box>>();
  private startup: Promise<void> | null = null;
  private closed = false;
  private defaults = dockerOptionsSchema.parse({});

  constructor(opts: DockerBackendOptions = {}) {
    const env = serverEnv();
    this.client = new DockerClient(opts.docker ?? dockerFromEnv());
    this.image = opts.image ?? env.PLAYGROUND_DOCKER_IMAGE;
    this.orphanAgeMs = opts.orphanAgeMs ?? 2 * env.PLAYGROUND_DOCKER_IDLE_TTL_S * 1000;
    this.transport = opts.transport ?? env.PLAYGROUND_DOCKER_TRANSPORT;
    this.runtimeChoice = opts.runtime ?? env.PLAYGROUND_DOCKER_RUNTIME;
    this.envdChannelChoice = opts.envdChannel ?? env.PLAYGROUND_E2B_ENVD_CHANNEL;
    this.pool = new WarmPool(
      opts.poolSize ?? env.PLAYGROUND_DOCKER_POOL_SIZE,
      () => this.startBox(this.image, this.defaults, null),
      (box) => this.destroyBox(box),
    );
  }

  // ---------------------------------------------------------------- availability

  async availability(): Promise<BackendAvailability> {
    const base = { backend: "docker" as const, isolated: true };
    try {
      await this.client.ping();
    } catch (e) {
      return { ...base, available: false, isolated: false, reason: `Docker is not reachable at ${dockerHostDescription()}: ${describeDockerError(e)}` };
    }
    const runtime = await this.runtime();
    if (!runtime.ok) return { ...base, available: false, reason: runtime.error.message };
    const img = await this.inspectImage(this.image);
    if (!img.ok) return { ...base, available: false, reason: img.error.message };
    // The first status check (the app's status bar) reaps orphans and starts filling the pool.
    if (!this.closed) void this.start();
    return {
      ...base,
      available: true,
      isolation: dockerIsolation[runtime.value],
      reason: `${runtime.value === "runsc" ? "gVisor (runsc)" : "runc"}; image ${this.image}${img.value.hash ? ` (inputs ${img.value.hash.slice(0, 8)})` : ""}; network none, read-only root, no capabilities; ${this.pool.count}/${this.pool.size} warm`,
      languages: img.value.languages,
    };
  }

  /**
   * The OCI runtime sandboxes run under. runsc asked for and missing is an error with the fix, never
   * a silent fall back to runc; auto takes runsc when dockerd has it.
   */
  async runtime(): Promise<Result<DockerRuntime>> {
    if (this.resolvedRuntime) return ok(this.resolvedRuntime);
    if (this.runtimeChoice === "runc") return ok((this.resolvedRuntime = "runc"));
    let known: string[];
    try {
      known = await this.client.runtimes();
    } catch (e) {
      return err(appError("unavailable:docker", `Cannot ask dockerd for its runtimes: ${describeDockerError(e)}`));
    }
    if (known.includes("runsc")) return ok((this.resolvedRuntime = "runsc"));
    if (this.runtimeChoice === "auto") return ok((this.resolvedRuntime = "runc"));
    return err(
      appError(
        "unavailable:docker_runtime",
        `PLAYGROUND_DOCKER_RUNTIME=runsc, but dockerd has no runsc runtime (it has ${known.join(", ") || "none"}), so Docker runs are refused. Fix: ${RUNSC_FIX}.`,
      ),
    );
  }

  /** The resolved runtime, or an Error saying why there is none (runs are refused). */
  private async requireRuntime(): Promise<DockerRuntime> {
    const r = await this.runtime();
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  }

  /** Image metadata, or why it cannot be used (a missing image: with the command that builds it). */
  async inspectImage(image: string): Promise<Result<ImageInfo>> {
    try {
      return ok(await this.client.inspectImage(image));
    } catch (e) {
      if (e instanceof DockerCallError && e.statusCode === 404) {
        return err(appError("not_found:sandbox_image", `The sandbox image ${image} is missing. Build it with: ${BUILD_IMAGE_COMMAND}`));
      }
      return err(appError("unavailable:docker", `Cannot inspect the sandbox image ${image}: ${describeDockerError(e)}`));
    }
  }

  // ---------------------------------------------------------------- sessions

  async create(configInput?: SandboxConfigInput, opts?: { sessionId?: string }): Promise<Sandbox> {
    if (this.closed) throw new Error("The Docker backend has been shut down.");
    const config = sandboxConfigSchema.parse(configInput ?? {});
    const id = opts?.sessionId ?? randomUUID();
    if (!sandboxSessionIdSchema.safeParse(id).success) throw new Error(`Invalid session id ${JSON.stringify(id)} (letters, digits, _ and -, up to 64).`);
    if (this.sessions.has(id)) throw new Error(`Session ${id} already exists in this process.`);
    const runtime = await this.requireRuntime();
    await this.start();
    const image = config.image ?? this.image;
    const img = await this.inspectImage(image);
    if (!img.ok) throw new Error(img.error.message);
    if (!img.value.agent && this.transport === "agent") {
      throw new Error(`The image ${image} has no executor agent (label ${IMAGE_LABEL_AGENT}); build it with ${BUILD_IMAGE_COMMAND}.`);
    }
    const session = new DockerSession(this, id, config, img.value.languages, runtime, img.value.id);
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
      const box = await this.pool.take();
      if (box) {
        // Rename so `docker ps` shows the session; not awaited (it is cosmetic and costs a round trip).
        void this.client.rename(box.container, `rp-${sessionId}-${box.id.slice(0, 6)}`);
        return { box, fromPool: true };
      }
    }
    return { box: await this.startBox(config.image ?? this.image, config.docker, sessionId), fromPool: false };
  }

  // ---------------------------------------------------------------- E2B sandboxes

  /**
   * A started container whose PID 1 is the envd agent (docker/sandbox/agent/envd.py): an E2B
   * sandbox. The default image comes from a warm pool of `poolSize` (sized on first call); other
   * images start fresh. The caller owns the box and gives it back with destroyBox().
   */
  async startEnvdBox(opts: { image?: string; docker: DockerOptions; sessionId: string; poolSize: number }): Promise<{ box: Box; fromPool: boolean }> {
    if (this.closed) throw new Error("The Docker backend has been shut down.");
    await this.start();
    const image = opts.image ?? this.image;
    const poolable = image === this.image && JSON.stringify(opts.docker) === JSON.stringify(this.envdDefaults(opts.docker));
    if (poolable && opts.poolSize > 0) {
      this.envdPool ??= new WarmPool(
        opts.poolSize,
        () => this.startBox(this.image, opts.docker, null, envdSource()),
        (box) => this.destroyBox(box),
        ENVD_REFILL_DELAY_MS,
      );
      const box = await this.envdPool.take();
      if (box) {
        void this.client.rename(box.container, `rp-e2b-${opts.sessionId}`.slice(0, 60));
        return { box, fromPool: true };
      }
    }
    return { box: await this.startBox(image, opts.docker, opts.sessionId, envdSource()), fromPool: false };
  }

  /** The pool only serves the options it was filled with. */
  private envdPoolOptions: string | null = null;
  private envdDefaults(d: DockerOptions): DockerOptions {
    const key = JSON.stringify(d);
    this.envdPoolOptions ??= key;
    return JSON.parse(this.envdPoolOptions) as DockerOptions;
  }

  /** Waits until the E2B pool holds `n` ready containers (benchmarks). */
  async warmEnvd(n: number): Promise<void> {
    await this.envdPool?.warm(n);
  }

  /** Waits until the pool holds `n` ready containers (tests and benchmarks). */
  async warm(n?: number): Promise<void> {
    await this.start();
    await this.pool.warm(n);
  }

  get warmCount(): number {
    return this.pool.count;
  }

  /** Ids of the warm containers. */
  poolIds(): string[] {
    return this.pool.ids();
  }

  /** Starts a container, tracked until destroyed (and, while starting, until shutdown has waited for it). */
  startBox(image: string, docker: DockerOptions, sessionId: string | null, envdSource?: string): Promise<Box> {
    let attached: Box | undefined;
    const p = this.requireRuntime().then((runtime) => startBox(this.client, { image, docker, sessionId, ownerId: this.ownerId, runtime, ...(envdSource !== undefined ? { envdSource, channel: this.envdChannel(runtime) } : {}) }, (box) => {
      attached = box;
      this.boxes.add(box);
    })).catch((e: unknown) => {
      if (attached) this.boxes.delete(attached);
      throw e;
    });
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  /**
   * Whether envd gets a direct socket (envd-channel.ts): a daemon on this machine (a unix socket:
   * it can mount our directory) and runc (gVisor does not let a sandbox reach a host socket).
   */
  private envdChannel(runtime: DockerRuntime): boolean {
    return this.envdChannelChoice === "socket" && runtime === "runc" && Boolean((this.client.modem as { socketPath?: string }).socketPath);
  }

  async destroyBox(box: Box): Promise<void> {
    this.boxes.delete(box);
    await destroyBox(this.client, box);
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

  sessionIds(): string[] {
    return [...this.sessions.keys()];
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Once per backend: reap orphans, fill the pool. Idle sessions are not this backend's business:
   * the session manager (lib/sandbox/sessions.ts) closes them; this backend only removes containers
   * whose owner is gone.
   */
  start(): Promise<void> {
    this.startup ??= (async () => {
      await this.reapOrphans().catch((e) => console.error(`[docker] reaping orphans failed: ${e instanceof Error ? e.message : String(e)}`));
      this.pool.refill();
    })();
    return this.startup;
  }

  /** Removes orphaned containers: of a process on this host that is gone, or (remote daemons) older than orphanAgeMs. */
  reapOrphans(): Promise<number> {
    return reapOrphans(this.client, this.ownerId, this.orphanAgeMs);
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    const pool = [...this.pool.close(), ...(this.envdPool?.close() ?? [])];
    await Promise.all([...this.sessions.keys()].map((id) => this.closeSession(id)));
    await Promise.allSettled([...this.inflight]);
    await Promise.all([...pool, ...this.boxes].map((b) => this.destroyBox(b)));
    // Anything still labelled as ours (a start that was in flight) goes too.
    await removeOwned(this.client, this.ownerId);
  }

  /** Process exit: closing the attach streams makes every agent exit and its container auto-remove. */
  shutdownSync(): void {
    this.closed = true;
    this.pool.close();
    this.envdPool?.close();
    for (const b of this.boxes) b.agent.close();
  }

  /** Our labelled containers that still exist (tests assert this reaches zero). */
  ownedContainers(): Promise<string[]> {
    return ownedContainers(this.client, this.ownerId);
  }
}

/** An E2B sandbox's first command comes right after its create: let it run before the refill starts a container. */
const ENVD_REFILL_DELAY_MS = 300;

/** The agent modules envd shares with agent.py, in import order (each imports only those before it). */
const ENVD_MODULES = ["wire", "proctable", "procs", "spawn"];

let envdCache: string | undefined;
/**
 * The envd agent's source, passed to `python3 -c` (built once; it ships with the app): the shared
 * agent modules installed into sys.modules from their source, then envd.py itself. An E2B sandbox
 * may run on any image with python3, so nothing of the agent can be assumed to be baked in.
 */
export function envdSource(): string {
  envdCache ??= (() => {
    const dir = path.resolve(process.cwd(), "docker/sandbox/agent");
    const read = (name: string) => readFileSync(path.join(dir, `${name}.py`), "utf8");
    // A JSON string is a valid Python string literal.
    const modules = ENVD_MODULES.map((m) => `_bundle(${JSON.stringify(m)}, ${JSON.stringify(read(m))})`).join("\n");
    return [
      "import sys as _sys, types as _types",
      "def _bundle(name, src):",
      "    mod = _types.ModuleType(name)",
      "    mod.__file__ = f'<envd bundle>/{name}.py'",
      "    _sys.modules[name] = mod",
      "    exec(compile(src, mod.__file__, 'exec'), mod.__dict__)",
      modules,
      "del _bundle, _sys, _types",
      read("envd"),
    ].join("\n");
  })();
  return envdCache;
}
