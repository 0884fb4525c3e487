import "server-only";
import type { Duplex } from "node:stream";
import type Docker from "dockerode";
import type { DockerOptions, DockerRuntime } from "../types";
import { AgentConnection } from "./docker-agent";
import { withTimeout, type DockerClient } from "./docker-client";
import { ENVD_CHANNEL_MOUNT, openEnvdChannel, type EnvdChannel } from "./envd-channel";
import { LABEL_KIND, containerLabels } from "./docker-reaper";

// One hardened container with its executor agent attached: the unit the pool keeps warm and a
// session runs in.

const MiB = 1024 * 1024;
const START_TIMEOUT_MS = 30_000;
/** Per-container uids come from here (a fresh uid per container makes RLIMIT_NPROC bind per session). */
const UID_BASE = 400_000;
const UID_SPAN = 60_000;

/** A started container with its agent connection. */
export interface Box {
  id: string;
  container: Docker.Container;
  agent: AgentConnection;
  /** Resolves with the exit status once the container has stopped. */
  exited: Promise<number | null>;
  /** The OCI runtime it runs under. */
  runtime: DockerRuntime;
}

/**
 * The host cgroup's pids limit. Under runc it counts the sandbox's processes. Under gVisor it counts
 * the threads of the user-space kernel (runsc's sentry and gofer): at 256 a fork bomb inside took
 * the sentry down (the container died, exit 2). There the processes are capped inside, by gVisor's
 * own RLIMIT_NPROC per uid (every run of a container has the container's uid), and the host limit
 * only keeps the sentry from taking the host's pids.
 */
export function hostPidsLimit(d: DockerOptions, runtime: DockerRuntime): number {
  return runtime === "runsc" ? Math.max(4096, d.pids_limit * 16) : d.pids_limit;
}

/** The explicit limits every sandbox container runs with. */
export function hardenedHostConfig(d: DockerOptions, uid: number, gid: number, runtime: DockerRuntime = "runc"): Docker.HostConfig {
  return {
    Runtime: runtime,
    NetworkMode: d.network_mode,
    Memory: d.memory_mb * MiB,
    MemorySwap: d.memory_mb * MiB,
    NanoCpus: Math.round(d.cpus * 1e9),
    PidsLimit: hostPidsLimit(d, runtime),
    ReadonlyRootfs: d.read_only_rootfs,
    Tmpfs: {
      "/sandbox": `rw,exec,nosuid,nodev,size=${d.workdir_mb}m,uid=${uid},gid=${gid},mode=0755`,
      "/tmp": `rw,exec,nosuid,nodev,size=${d.tmp_mb}m,mode=1777`,
      // SandboxFusion's programs may write anywhere (its sandbox is an overlay of /); /mnt is where
      // its users' code puts outputs that fetch_files returns by absolute path.
      "/mnt": `rw,exec,nosuid,nodev,size=${d.tmp_mb}m,uid=${uid},gid=${gid},mode=0755`,
    },
    CapDrop: d.cap_drop,
    SecurityOpt: d.no_new_privileges ? ["no-new-privileges"] : [],
    // When our attach stream closes (this process exits or dies), stdin closes, the agent exits
    // and the daemon removes the container: a crash leaks nothing.
    AutoRemove: true,
    Init: false,
  };
}

/** The same limits, loosened only where an E2B sandbox needs it (users, a writable root). */
export function envdHostConfig(h: Docker.HostConfig): Docker.HostConfig {
  return {
    ...h,
    ReadonlyRootfs: false,
    Tmpfs: {},
    CapAdd: ENVD_CAPS,
  };
}

const ENVD_BOOT = "import os; exec(compile(os.environ.pop('PLAYGROUND_ENVD'), 'envd.py', 'exec'))";

/** setuid/setgid to become the user, chown/fowner/dac_override for files as root, kill for signals. */
const ENVD_CAPS = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "SETUID", "SETGID", "KILL", "AUDIT_WRITE"];

export interface BoxSpec {
  image: string;
  docker: DockerOptions;
  /**
   * An E2B sandbox (lib/service/e2b): PID 1 is envd.py (its source passed with `python3 -c`, so any
   * image with python3 can host it) running as root with the few capabilities it needs to run
   * commands and own files as the user asked for; the root file system is writable like E2B's.
   */
  envdSource?: string;
  /** envd: offer it a direct socket (envd-channel.ts); it falls back to the attach stream when it cannot connect. */
  channel?: boolean;
  /** null for a warm-pool container (it gets a session when taken). */
  sessionId: string | null;
  ownerId: string;
  /** The OCI runtime (runsc: gVisor). */
  runtime: DockerRuntime;
}

/** Creates, attaches, starts a hardened container and waits for its agent. On failure nothing is left. */
export async function startBox(client: DockerClient, spec: BoxSpec, onAttached?: (box: Box) => void): Promise<Box> {
  const d = spec.docker;
  const uid = d.user ? Number(d.user.split(":")[0]) : UID_BASE + Math.floor(Math.random() * UID_SPAN);
  const gid = d.user ? Number(d.user.split(":")[1]) : uid;
  const createdAt = Date.now();
  const envd = spec.envdSource !== undefined;
  const host = hardenedHostConfig(d, uid, gid, spec.runtime);
  const channel: EnvdChannel | null = envd && spec.channel ? await openEnvdChannel() : null;
  const create = (ch: EnvdChannel | null) =>
    client.createContainer({
      Image: spec.image,
      User: envd ? "0:0" : `${uid}:${gid}`,
      WorkingDir: envd ? "/" : "/sandbox",
      // The source rides in the environment so `ps` in the sandbox shows a short command line.
      ...(envd ? { Entrypoint: ["python3", "-u", "-c", ENVD_BOOT], Cmd: [], Env: [`PLAYGROUND_ENVD=${spec.envdSource!}`, ...(ch?.env ?? [])] } : {}),
      Labels: { ...containerLabels(spec.ownerId, spec.sessionId, createdAt), ...(envd ? { [LABEL_KIND]: "e2b" } : {}) },
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      HostConfig: envd ? { ...envdHostConfig(host), ...(ch ? { Mounts: [{ Type: "bind" as const, Source: ch.dir, Target: ENVD_CHANNEL_MOUNT, ReadOnly: true }] } : {}) } : host,
    });
  let container: Docker.Container;
  try {
    container = await create(channel);
  } catch (e) {
    if (!channel || !/mount|bind/i.test(e instanceof Error ? e.message : String(e))) {
      channel?.close();
      throw e;
    }
    // A daemon that cannot mount our directory (it runs elsewhere): the attach stream alone.
    channel.close();
    console.error(`[docker] envd's direct channel could not be mounted (${e instanceof Error ? e.message : String(e)}); using the attach stream`);
    container = await create(null);
  }
  const id = container.id;
  let box: Box | undefined;
  try {
    const stream = (await client.attach(container)) as unknown as Duplex;
    const agent = new AgentConnection(stream, client.modem, id);
    void channel?.accepted.then((sock) => sock && agent.useChannel(sock));
    box = { id, container, agent, exited: client.waitExit(container), runtime: spec.runtime };
    onAttached?.(box);
    await client.start(container);
    await withTimeout(agent.ready, START_TIMEOUT_MS, `The executor agent in container ${id.slice(0, 12)}`);
    return box;
  } catch (e) {
    if (box) await destroyBox(client, box);
    else await client.remove(id);
    throw e;
  } finally {
    // Connected or not, the listener and its directory are done with (envd answered on one or the other).
    channel?.close();
  }
}

/** Closes the agent connection and force-removes the container. Never throws. */
export async function destroyBox(client: DockerClient, box: Box): Promise<void> {
  box.agent.close();
  await client.remove(box.id).catch(() => {});
}
