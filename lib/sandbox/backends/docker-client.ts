import "server-only";
import type { Duplex } from "node:stream";
import Docker from "dockerode";
import { serverEnv } from "@/lib/env";

// The one place that talks to the Docker Engine API. Every dockerode call goes through dcall (or
// dcallIdempotent on removal paths): a failure is logged with the container id and rethrown as a
// DockerCallError that says what we were doing. Container labels and orphan reaping live in
// docker-reaper.ts, the warm pool in docker-pool.ts, the container spec in docker-box.ts.

// Labels the sandbox image carries (docker/sandbox/Dockerfile).
export const IMAGE_LABEL_HASH = "org.rollout-playground.inputs-hash";
export const IMAGE_LABEL_LANGUAGES = "org.rollout-playground.languages";
export const IMAGE_LABEL_AGENT = "org.rollout-playground.agent";

/** The exact command that builds the sandbox image (shown when it is missing). */
export const BUILD_IMAGE_COMMAND = "npm run sandbox:image";

/** Where the daemon is, for messages. */
export function dockerHostDescription(): string {
  return serverEnv().DOCKER_HOST ?? "unix:///var/run/docker.sock";
}

/** A dockerode client for DOCKER_HOST (unix://, tcp://, http://) or the default socket. */
export function dockerFromEnv(): Docker {
  const host = serverEnv().DOCKER_HOST;
  if (!host) return new Docker({ socketPath: "/var/run/docker.sock" });
  if (host.startsWith("unix://")) return new Docker({ socketPath: host.slice("unix://".length) });
  const url = new URL(host.replace(/^tcp:/, "http:"));
  return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: url.protocol === "https:" ? "https" : "http" });
}

/** A failed Docker API call, with what we were doing and on which container. */
export class DockerCallError extends Error {
  constructor(
    readonly what: string,
    readonly containerId: string | undefined,
    readonly cause: unknown,
  ) {
    super(`${what}${containerId ? ` (container ${containerId.slice(0, 12)})` : ""}: ${describeDockerError(cause)}`);
    this.name = "DockerCallError";
  }
  get statusCode(): number | undefined {
    return (this.cause as { statusCode?: number } | undefined)?.statusCode;
  }
}

/**
 * Runs one dockerode call; a failure is logged with the container id and rethrown with context.
 * `quiet`: failures the caller reports itself (a probe's "unreachable", a missing image) are not logged.
 */
export async function dcall<T>(what: string, containerId: string | undefined, fn: () => Promise<T>, opts?: { quiet?: (e: unknown) => boolean }): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = new DockerCallError(what, containerId, e);
    if (!opts?.quiet?.(e)) console.error(`[docker] ${err.message}`);
    throw err;
  }
}

/** Like dcall, but "not found" / "already in progress" count as success (removal paths). */
export async function dcallIdempotent(what: string, containerId: string | undefined, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const code = (e as { statusCode?: number }).statusCode;
    if (code === 404 || code === 409 || code === 304) return;
    const err = new DockerCallError(what, containerId, e);
    console.error(`[docker] ${err.message}`);
    throw err;
  }
}

/** The daemon's own words for a failure (unwrapping our DockerCallError). */
export function describeDockerError(e: unknown): string {
  if (e instanceof DockerCallError) return describeDockerError(e.cause);
  if (!(e instanceof Error)) return String(e);
  const any = e as Error & { code?: string; json?: { message?: string }; reason?: string; statusCode?: number };
  if (any.code === "ENOENT" || any.code === "ECONNREFUSED" || any.code === "EACCES") {
    const msg = e.message.replace(/^connect /, "");
    return msg.startsWith(any.code) ? msg : `${any.code} ${msg}`;
  }
  const msg = any.json?.message ?? any.reason ?? e.message;
  return any.statusCode ? `${any.statusCode} ${msg}` : msg;
}

/** Resolves within ms or rejects: the daemon must not hang availability checks. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
      t.unref?.();
    }),
  ]);
}

export interface ImageInfo {
  /** The image id (sha256:…): changes with every build. */
  id: string;
  languages: string[];
  hash?: string;
  agent: boolean;
}

/** The dockerode calls the backend makes, each wrapped. Holds no state but the connection. */
export class DockerClient {
  constructor(readonly docker: Docker) {}

  get modem(): Docker["modem"] {
    return this.docker.modem;
  }

  /** Throws (quietly: availability reports it) when the daemon does not answer within 3 s. */
  /** The OCI runtimes dockerd knows (its daemon.json "runtimes" plus runc). */
  async runtimes(): Promise<string[]> {
    const info = (await dcall("info", undefined, () => this.docker.info())) as { Runtimes?: Record<string, unknown> };
    return Object.keys(info.Runtimes ?? {});
  }

  async ping(): Promise<void> {
    await dcall("ping", undefined, () => withTimeout(this.docker.ping(), 3000, "Docker daemon"), { quiet: () => true });
  }

  /** The image's labels. A missing image throws a DockerCallError with statusCode 404 (not logged). */
  async inspectImage(image: string): Promise<ImageInfo> {
    const info = await dcall("image inspect", undefined, () => withTimeout(this.docker.getImage(image).inspect(), 5000, "Image inspect"), {
      quiet: (e) => (e as { statusCode?: number }).statusCode === 404,
    });
    const labels = info.Config?.Labels ?? {};
    return {
      id: info.Id,
      languages: (labels[IMAGE_LABEL_LANGUAGES] ?? "").split(",").filter(Boolean),
      hash: labels[IMAGE_LABEL_HASH],
      agent: !!labels[IMAGE_LABEL_AGENT],
    };
  }

  createContainer(spec: Docker.ContainerCreateOptions): Promise<Docker.Container> {
    return dcall("container create", undefined, () => this.docker.createContainer(spec));
  }

  /** The hijacked stdin/stdout/stderr stream of a created container. */
  attach(container: Docker.Container): Promise<NodeJS.ReadWriteStream> {
    return dcall("container attach", container.id, () => container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }));
  }

  start(container: Docker.Container): Promise<void> {
    return dcall("container start", container.id, () => container.start());
  }

  /** Resolves with the exit status once the container stops; null when the wait itself fails (logged). */
  waitExit(container: Docker.Container): Promise<number | null> {
    return dcall("container wait", container.id, () => container.wait({ condition: "next-exit" }) as Promise<{ StatusCode?: number }>, {
      // The container is auto-removed: a wait that loses the race is routine.
      quiet: (e) => (e as { statusCode?: number }).statusCode === 404,
    })
      .then((r) => r.StatusCode ?? null)
      .catch(() => null);
  }

  /** Cosmetic (so `docker ps` shows the session); a failure is logged and otherwise ignored. */
  async rename(container: Docker.Container, name: string): Promise<void> {
    await dcall("container rename", container.id, () => container.rename({ name })).catch(() => {});
  }

  /**
   * Force-removes a container and resolves once it is gone. One already gone counts as removed; one
   * whose removal is already under way (AutoRemove after its agent exits: 409) is waited for, or a
   * caller that closed a session could still see its container listed.
   */
  async remove(id: string, what = "container remove"): Promise<void> {
    const container = this.docker.getContainer(id);
    try {
      await container.remove({ force: true });
    } catch (e) {
      const code = (e as { statusCode?: number }).statusCode;
      if (code === 404 || code === 304) return;
      if (code === 409) {
        await dcallIdempotent(`${what} (wait for the removal under way)`, id, () => container.wait({ condition: "removed" }));
        return;
      }
      const err = new DockerCallError(what, id, e);
      console.error(`[docker] ${err.message}`);
      throw err;
    }
  }

  execCreate(container: Docker.Container, opts: Docker.ExecCreateOptions): Promise<Docker.Exec> {
    return dcall("exec create", container.id, () => container.exec(opts));
  }

  /** The hijacked stream of a created exec. */
  execStart(container: Docker.Container, exec: Docker.Exec, stdin: boolean): Promise<Duplex> {
    return dcall("exec start", container.id, () => exec.start({ hijack: true, stdin }));
  }

  execInspect(container: Docker.Container, exec: Docker.Exec): Promise<Docker.ExecInspectInfo> {
    return dcall("exec inspect", container.id, () => exec.inspect());
  }

  /** Containers (running or not) carrying every one of these labels. */
  listByLabel(...labels: string[]): Promise<Docker.ContainerInfo[]> {
    return dcall("container list", undefined, () => this.docker.listContainers({ all: true, filters: { label: labels } }));
  }
}
