import "server-only";
import Docker from "dockerode";
import { serverEnv } from "@/lib/env";

// Labels on every container the app creates. The owner label lets a later process tell its own
// containers from orphans; created-at and session make `docker ps` readable.
export const LABEL_APP = "app";
export const APP = "rollout-playground";
export const LABEL_SESSION = "rollout-playground.session";
export const LABEL_CREATED = "rollout-playground.created-at";
export const LABEL_OWNER = "rollout-playground.owner";
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

/** Runs one dockerode call; a failure is logged with the container id and rethrown with context. */
export async function dcall<T>(what: string, containerId: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const err = new DockerCallError(what, containerId, e);
    // 404s on cleanup paths are routine; callers that expect them pass quiet wrappers.
    console.error(`[docker] ${err.message}`);
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

export function describeDockerError(e: unknown): string {
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
