import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { serverEnv } from "@/lib/env";
import { globalStore } from "@/lib/global-store";
import { DockerBackend } from "@/lib/sandbox/backends/docker";
import path from "node:path";
import type { Box } from "@/lib/sandbox/backends/docker-box";
import type { AgentConnection } from "@/lib/sandbox/backends/docker-agent";
import { startLocalEnvd, type LocalEnvdBox } from "@/lib/sandbox/backends/local-envd";
import type { LocalBackend } from "@/lib/sandbox/backends/local";
import { isRoot } from "@/lib/sandbox/proc";
import { backendAvailability, getBackend } from "@/lib/sandbox/registry";
import { adoptSandbox, closeSession, sessionUsage, setSandboxDeadline } from "@/lib/sandbox/sessions";
import { dockerIsolation, dockerOptionsSchema, type DockerOptions, type IsolationLevel } from "@/lib/sandbox/types";
import { attachSessionId, attachedSandbox, tombstoneSandbox } from "./attach";
import { ProcessHub } from "./processes";
import type { NewSandbox } from "./schema";

// The E2B sandboxes this server runs: one hardened container per sandbox (the Docker backend
// starts it, from its warm pool when it can) or, without Docker, one bwrap sandbox running the same
// envd (lib/sandbox/backends/local-envd.ts), and the owner (a hash of the API key that created
// it) every control-plane call is checked against. Its life belongs to the session manager
// (lib/sandbox/sessions.ts), like every other sandbox's: it is a held session `e2b-<id>` with a
// deadline (the E2B timeout; set timeout moves it), so the Sessions list, the Editor and expiry
// are one mechanism. When the manager closes the session (deadline, kill, shutdown) the container
// is removed, so its processes and files go too.

export const ENVD_VERSION = "0.5.7";
export const ENVD_PORT = 49983;
export const INTERPRETER_PORT = 49999;
export const MAX_TIMEOUT_S = 24 * 3600;

export interface E2BSandbox {
  id: string;
  owner: string;
  templateID: string;
  metadata: Record<string, string>;
  envVars: Record<string, string>;
  startedAt: number;
  /** When the session manager closes it (its deadline); read from the manager. */
  readonly endAt: number;
  /** The image the caller asked for through metadata, if any. */
  imageAsked?: string;
  imageUsed: string;
  /** Why the image used differs from the one asked for. */
  imageNote?: string;
  cpuCount: number;
  memoryMB: number;
  envdAccessToken: string;
  /** Where it runs. */
  backend: "docker" | "local";
  isolation: IsolationLevel;
  /** What E2B offers that this sandbox does not (the local backend's), said wherever the sandbox is shown. */
  limitations: string[];
  agent: AgentConnection;
  /** The container (Docker backend). */
  box?: Box;
  /** The bwrap sandbox (local backend). */
  local?: LocalEnvdBox;
  hub: ProcessHub;
  /** Why it is ending, when a caller ends it (a manager deadline without it is an expiry). */
  ending?: GoneReason;
  /** Paused (Docker: the container's processes are frozen); sandbox calls answer 502 until a connect resumes it. */
  paused?: boolean;
}

export type GoneReason = "killed" | "expired" | "crashed";

interface State {
  sandboxes: Map<string, E2BSandbox>;
  /** Sandboxes that existed: why they are gone (so a late call can say so). Bounded. */
  gone: Map<string, { reason: GoneReason; at: number }>;
  creating: number;
  listeners: Set<(event: SandboxEvent) => void>;
}
const state = globalStore<State>("e2b-sandboxes", () => ({ sandboxes: new Map(), gone: new Map(), creating: 0, listeners: new Set() }));

export type SandboxEvent = { type: "created"; sandbox: E2BSandbox } | { type: "gone"; id: string; reason: GoneReason };

/** Sessions list, Editor attach: told when a sandbox appears or goes. */
export function subscribeSandboxes(fn: (e: SandboxEvent) => void): () => void {
  state.listeners.add(fn);
  return () => state.listeners.delete(fn);
}

function emit(e: SandboxEvent) {
  for (const fn of state.listeners) {
    try {
      fn(e);
    } catch {
      /* a listener must not break the registry */
    }
  }
}

/** Who owns a sandbox: a hash of the API key (no key = the anonymous caller). */
export function ownerOf(apiKey: string | null): string {
  return createHash("sha256").update(apiKey ?? "").digest("hex").slice(0, 16);
}

export function newSandboxId(): string {
  // E2B's ids are 20 lowercase letters and digits.
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(20);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
}

export type CreateFailure = { status: number; message: string };

function dockerBackend(): DockerBackend | null {
  const b = getBackend("docker");
  // By name, not instanceof: each route bundle of a production build has its own copy of the class,
  // and the instance in the registry is whichever bundle made it first (a page's status bar, usually).
  return b?.name === "docker" ? (b as DockerBackend) : null;
}

function localBackend(): LocalBackend | null {
  const b = getBackend("local");
  return b?.name === "local" ? (b as LocalBackend) : null;
}

/** What E2B's cloud offers that a local-backend sandbox does not. */
export const LOCAL_LIMITATIONS = [
  "local backend (bwrap): commands run as 'user' only; root and other users are refused",
  "the host's userland, read-only: no image choice, no system package installs (pip --user into /home/user works)",
  "no network",
];

/** Which backend creates the next sandbox, or why none can. */
async function pickBackend(): Promise<{ ok: true; backend: "docker" | "local" } | { ok: false; message: string }> {
  const want = serverEnv().PLAYGROUND_E2B_BACKEND;
  const docker = want === "local" ? null : await backendAvailability("docker");
  if (docker?.available && dockerBackend()) return { ok: true, backend: "docker" };
  if (want === "docker") return { ok: false, message: `E2B sandboxes are set to the Docker backend (PLAYGROUND_E2B_BACKEND=docker), which is unavailable here: ${docker?.reason ?? "not configured"}.` };
  const local = localBackend();
  if (local?.host().bwrap) return { ok: true, backend: "local" };
  return {
    ok: false,
    message: `E2B sandboxes need the Docker backend (${docker?.reason ?? "not used: PLAYGROUND_E2B_BACKEND=local"}) or bwrap for the local backend (${local?.host().bwrapReason ?? "no local backend"}); neither is available here.`,
  };
}

/** Where a new sandbox runs, once started. */
interface Placement {
  backend: "docker" | "local";
  isolation: IsolationLevel;
  limitations: string[];
  agent: AgentConnection;
  box?: Box;
  local?: LocalEnvdBox;
  imageUsed: string;
  imageNote?: string;
}

/** A uid of its own per local sandbox (above the local backend's session uids), so its process limit and kill reach only it. */
function freeLocalUid(): number {
  const used = new Set([...state.sandboxes.values()].map((s) => s.local?.uid));
  for (;;) {
    const uid = serverEnv().PLAYGROUND_SANDBOX_UID_BASE + 60_000 + Math.floor(Math.random() * 60_000);
    if (!used.has(uid)) return uid;
  }
}

/** envd under bwrap on the local backend, labelled with what it cannot do. */
async function placeLocal(id: string, imageAsked: string | undefined): Promise<{ ok: true; value: Placement } | { ok: false; error: CreateFailure }> {
  const env = serverEnv();
  const local = localBackend()!;
  if (imageAsked && env.PLAYGROUND_E2B_STRICT_IMAGES) {
    return {
      ok: false,
      error: { status: 400, message: `Image '${imageAsked}' (metadata '${env.PLAYGROUND_E2B_IMAGE_KEY}') cannot be used: E2B sandboxes run on the local (bwrap) backend here, on the host's read-only userland; PLAYGROUND_E2B_STRICT_IMAGES=1 refuses instead of ignoring it. Configure Docker to choose images.` },
    };
  }
  let box: LocalEnvdBox;
  try {
    box = await startLocalEnvd(local.host(), {
      dir: path.join(local.sessionsRoot(), `e2b-${id}`),
      uid: isRoot() ? freeLocalUid() : null,
      memoryMb: env.PLAYGROUND_E2B_MEMORY_MB,
      pids: env.PLAYGROUND_E2B_PIDS,
      fileMb: env.PLAYGROUND_E2B_MAX_FILE_MB,
      tmpMb: 1024,
    });
  } catch (e) {
    return { ok: false, error: { status: 500, message: `Could not start the local (bwrap) sandbox: ${e instanceof Error ? e.message : String(e)}` } };
  }
  const imageUsed = "host userland (local · bwrap)";
  return {
    ok: true,
    value: {
      backend: "local",
      isolation: "local · bwrap",
      limitations: LOCAL_LIMITATIONS,
      agent: box.agent,
      local: box,
      imageUsed,
      ...(imageAsked ? { imageNote: `image '${imageAsked}' cannot be used on the local backend; running on the ${imageUsed}` } : {}),
    },
  };
}

/** A container of the Docker backend (the image asked for when the engine has it). */
async function placeDocker(id: string, imageAsked: string | undefined): Promise<{ ok: true; value: Placement } | { ok: false; error: CreateFailure }> {
  const env = serverEnv();
  const backend = dockerBackend()!;
  let imageUsed = backend.image;
  let imageNote: string | undefined;
  if (imageAsked && imageAsked !== backend.image) {
    const img = await backend.client.inspectImage(imageAsked).then(
      () => true,
      () => false,
    );
    if (img) imageUsed = imageAsked;
    else if (env.PLAYGROUND_E2B_STRICT_IMAGES) {
      return {
        ok: false,
        error: { status: 400, message: `The Docker engine has no image '${imageAsked}' (metadata '${env.PLAYGROUND_E2B_IMAGE_KEY}'); PLAYGROUND_E2B_STRICT_IMAGES=1 refuses to run it on the sandbox image. Load it with docker load first.` },
      };
    } else imageNote = `image '${imageAsked}' is not in the Docker engine; running on ${backend.image}`;
  }
  let box: Box;
  try {
    ({ box } = await backend.startEnvdBox({
      ...(imageUsed !== backend.image ? { image: imageUsed } : {}),
      docker: e2bDockerOptions(),
      sessionId: `e2b-${id}`,
      poolSize: env.PLAYGROUND_E2B_POOL_SIZE,
    }));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { status: 500, message: `Could not start the sandbox container (image ${imageUsed}; the image needs python3 on PATH): ${why}` } };
  }
  return { ok: true, value: { backend: "docker", isolation: dockerIsolation[box.runtime], limitations: [], agent: box.agent, box, imageUsed, ...(imageNote ? { imageNote } : {}) } };
}

export function e2bDockerOptions(): DockerOptions {
  const env = serverEnv();
  return dockerOptionsSchema.parse({
    network_mode: env.PLAYGROUND_E2B_NETWORK,
    memory_mb: env.PLAYGROUND_E2B_MEMORY_MB,
    cpus: env.PLAYGROUND_E2B_CPUS,
    pids_limit: env.PLAYGROUND_E2B_PIDS,
    read_only_rootfs: false,
  });
}

const templates = new Set(["base", "code-interpreter-v1", "code-interpreter", "code-interpreter-beta"]);

/** Creates a sandbox; a refusal is a value with E2B's status. */
export async function createSandbox(input: NewSandbox, owner: string): Promise<{ ok: true; sandbox: E2BSandbox } | { ok: false; error: CreateFailure }> {
  const env = serverEnv();
  if (!templates.has(input.templateID)) {
    return { ok: false, error: { status: 404, message: `template '${input.templateID}' not found (this playground serves: ${[...templates].join(", ")})` } };
  }
  // The cap first, with no await before the slot is taken: a swarm is refused at once and exactly.
  if (state.sandboxes.size + state.creating >= env.PLAYGROUND_E2B_MAX_SANDBOXES) {
    return {
      ok: false,
      error: { status: 429, message: `This playground runs at most ${env.PLAYGROUND_E2B_MAX_SANDBOXES} E2B sandboxes at once (PLAYGROUND_E2B_MAX_SANDBOXES); kill one or wait for one to expire.` },
    };
  }
  state.creating++;
  try {
    const picked = await pickBackend();
    if (!picked.ok) return { ok: false, error: { status: 503, message: picked.message } };
    const metadata = input.metadata ?? {};
    const imageAsked = metadata[env.PLAYGROUND_E2B_IMAGE_KEY] || undefined;
    const id = newSandboxId();
    const started = Date.now();
    const placed = picked.backend === "local" ? await placeLocal(id, imageAsked) : await placeDocker(id, imageAsked);
    if (!placed.ok) return placed;
    const { imageUsed, imageNote, backend, agent } = placed.value;
    const timeoutS = Math.min(input.timeout ?? 15, MAX_TIMEOUT_S);
    const sessionId = attachSessionId(id);
    const sb: E2BSandbox = {
      id,
      owner,
      templateID: input.templateID,
      metadata,
      envVars: input.envVars ?? {},
      startedAt: started,
      get endAt() {
        return sessionUsage(sessionId, backend)?.deadline_ms ?? started;
      },
      ...(imageAsked ? { imageAsked } : {}),
      imageUsed,
      ...(imageNote ? { imageNote } : {}),
      cpuCount: e2bDockerOptions().cpus,
      memoryMB: e2bDockerOptions().memory_mb,
      envdAccessToken: randomBytes(16).toString("hex"),
      backend,
      isolation: placed.value.isolation,
      limitations: placed.value.limitations,
      agent,
      ...(placed.value.box ? { box: placed.value.box } : {}),
      ...(placed.value.local ? { local: placed.value.local } : {}),
      hub: new ProcessHub(agent),
    };
    if (Object.keys(sb.envVars).length) await agent.request({ op: "env", envs: sb.envVars }, { timeoutMs: 10_000 });
    state.sandboxes.set(id, sb);
    adoptSandbox(sessionId, backend, attachedSandbox(sb, () => finish(sb)), { lifetimeMs: started + timeoutS * 1000 - Date.now() });
    // A container (or bwrap sandbox) that dies on its own (OOM, docker rm) takes the sandbox with it.
    void agent.closed.then(() => {
      if (state.sandboxes.get(id) === sb) void killSandbox(id, "crashed");
    });
    emit({ type: "created", sandbox: sb });
    return { ok: true, sandbox: sb };
  } finally {
    state.creating--;
  }
}

/** The sandbox if it is running and this owner's (another owner's sandbox is "not found"). */
export function getSandbox(id: string, owner?: string): E2BSandbox | undefined {
  const sb = state.sandboxes.get(id);
  if (!sb) return undefined;
  if (owner !== undefined && sb.owner !== owner) return undefined;
  return sb;
}

export function goneReason(id: string): GoneReason | undefined {
  return state.gone.get(id)?.reason;
}

export function listSandboxes(owner?: string): E2BSandbox[] {
  return [...state.sandboxes.values()].filter((s) => owner === undefined || s.owner === owner).sort((a, b) => b.startedAt - a.startedAt);
}

/** Sets the end to now + seconds ("set timeout"), or only extends it ("connect"). */
export function setSandboxTimeout(sb: E2BSandbox, seconds: number, mode: "set" | "extend"): void {
  const end = Date.now() + Math.min(seconds, MAX_TIMEOUT_S) * 1000;
  setSandboxDeadline({ id: attachSessionId(sb.id), backend: sb.backend }, mode === "set" ? end : Math.max(sb.endAt, end));
}

/** Kills a sandbox: the session manager closes its session, which ends it (finish). */
export async function killSandbox(id: string, reason: GoneReason): Promise<boolean> {
  const sb = state.sandboxes.get(id);
  if (!sb) return false;
  sb.ending ??= reason;
  await closeSession(attachSessionId(id), sb.backend);
  return true;
}

/**
 * The end of a sandbox, called when the session manager closes its session: its streams end, its
 * container (every process and file in it) is removed, and a tombstone session stays a while so an
 * Editor attached to it learns why it went.
 */
async function finish(sb: E2BSandbox): Promise<void> {
  if (state.sandboxes.get(sb.id) !== sb) return;
  const reason = sb.ending ?? "expired";
  state.sandboxes.delete(sb.id);
  state.gone.set(sb.id, { reason, at: Date.now() });
  if (state.gone.size > 10_000) state.gone.delete(state.gone.keys().next().value!);
  sb.hub.closeAll(reason);
  const release = adoptSandbox(attachSessionId(sb.id), sb.backend, tombstoneSandbox(sb, reason));
  setTimeout(release, 10 * 60_000).unref?.();
  emit({ type: "gone", id: sb.id, reason });
  if (sb.local) return sb.local.destroy();
  const backend = dockerBackend();
  if (backend && sb.box) await backend.destroyBox(sb.box);
  else sb.agent.close();
}

export type PauseResult = { ok: true } | { ok: false; status: number; message: string };

/**
 * Pause: `docker pause` freezes every process of the container (memory and files stay). It still
 * ends at its timeout, like a running one: a paused container holds its memory here. The local
 * backend has no freezer to do it honestly, so it refuses.
 */
export async function pauseSandbox(sb: E2BSandbox): Promise<PauseResult> {
  if (sb.paused) return { ok: false, status: 409, message: `sandbox ${sb.id} is already paused` };
  if (!sb.box) return { ok: false, status: 501, message: "Pause needs the Docker backend (docker pause); this sandbox runs on the local (bwrap) backend, which cannot freeze it." };
  try {
    await sb.box.container.pause();
  } catch (e) {
    return { ok: false, status: 500, message: `docker pause failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  sb.paused = true;
  return { ok: true };
}

/** Resume (a connect to a paused sandbox): `docker unpause`. */
export async function resumeSandbox(sb: E2BSandbox): Promise<PauseResult> {
  if (!sb.paused) return { ok: true };
  try {
    await sb.box!.container.unpause();
  } catch (e) {
    return { ok: false, status: 500, message: `docker unpause failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  sb.paused = false;
  return { ok: true };
}

/** Kills every sandbox (tests, shutdown). */
export async function killAllSandboxes(): Promise<void> {
  await Promise.all([...state.sandboxes.keys()].map((id) => killSandbox(id, "killed")));
}

export { agentCall, type AgentResult } from "./agent-call";
