import "server-only";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

// A direct line between this server and an E2B sandbox container's envd agent: a unix socket in a
// host directory bind-mounted (read-only) into the container, so requests, command output and file
// bytes skip dockerd and containerd-shim, which the attach stream passes every byte through (two
// more processes and four more copies per message: 20-80 MB/s and several ms per round trip on a
// loaded machine, against GB/s for a socket). The attach stream stays: its stdin is the container's
// lifeline (closing it ends envd and removes the container) and its stderr is envd's log.
//
// This server listens and envd connects (the mount can then be read-only: the sandbox cannot put
// anything there). envd proves itself with a key it got in its environment at boot, before any
// sandbox process exists; the first good connection is taken, the socket file is removed and the
// listener closed, so nothing else can connect afterwards. When envd cannot connect (gVisor does not
// let a sandbox reach a host socket; a daemon that does not share this file system) it stays on the
// attach stream: slower, never broken.

/** Where envd finds the socket inside the container. */
export const ENVD_CHANNEL_MOUNT = "/run/playground-envd";
const SOCKET = "envd.sock";
const KEY_BYTES = 24;

export interface EnvdChannel {
  /** The host directory to bind-mount at ENVD_CHANNEL_MOUNT. */
  dir: string;
  /** Environment for envd: where to connect and the key to present. */
  env: string[];
  /** Resolves with envd's authenticated socket (its key line consumed); never rejects. */
  accepted: Promise<Socket | null>;
  /** Stops listening and removes the directory (idempotent; an accepted socket stays open). */
  close(): void;
}

/** Opens a listening channel for one container (its directory goes with close(): nothing is left behind). */
export async function openEnvdChannel(): Promise<EnvdChannel> {
  const dir = mkdtempSync(path.join(tmpdir(), "rp-envd-"));
  // Container root may be an unprivileged host uid (userns-remap, rootless): it must reach the socket; the key guards it.
  chmodSync(dir, 0o711);
  const sockPath = path.join(dir, SOCKET);
  const key = randomBytes(KEY_BYTES).toString("hex");
  const want = Buffer.from(`${key}\n`);
  let server: Server | null = createServer();
  let settle!: (s: Socket | null) => void;
  const accepted = new Promise<Socket | null>((r) => (settle = r));
  let closed = false;
  const stopListening = () => {
    server?.close();
    server = null;
    rmSync(sockPath, { force: true });
  };
  server.on("connection", (sock) => {
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => sock.destroy(), 10_000);
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length < want.length) return;
      clearTimeout(timer);
      sock.off("data", onData);
      if (closed || !timingSafeEqual(got.subarray(0, want.length), want)) {
        sock.destroy();
        return;
      }
      sock.pause();
      const rest = got.subarray(want.length);
      if (rest.length) sock.unshift(rest);
      stopListening();
      settle(sock);
    };
    sock.on("data", onData);
    sock.on("error", () => clearTimeout(timer));
  });
  await new Promise<void>((resolve, reject) => {
    server!.once("error", reject);
    server!.listen(sockPath, () => resolve());
  });
  chmodSync(sockPath, 0o666);
  return {
    dir,
    env: [`PLAYGROUND_ENVD_SOCK=${ENVD_CHANNEL_MOUNT}/${SOCKET}`, `PLAYGROUND_ENVD_KEY=${key}`],
    accepted,
    close() {
      if (closed) return;
      closed = true;
      stopListening();
      settle(null);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
