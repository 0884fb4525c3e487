// envd's direct channel: only the holder of the key gets in, once; on Docker (runc) an E2B
// container's envd answers on it, its mount is read-only and empty once envd is in, and no key is
// left for the sandbox's processes to find.
import { existsSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { e2bDockerOptions } from "@/lib/service/e2b/sandboxes";
import { DockerBackend, envdSource } from "./docker";
import type { Box } from "./docker-box";
import { dockerGate } from "./docker-test-gate";
import { openEnvdChannel } from "./envd-channel";

const gate = await dockerGate();

function dial(sockPath: string, line: string): Promise<"closed" | "open"> {
  return new Promise((resolve) => {
    const s = connect(sockPath, () => s.write(line));
    s.on("close", () => resolve("closed"));
    s.on("error", () => resolve("closed"));
    setTimeout(() => {
      resolve("open");
      s.destroy();
    }, 500);
  });
}

describe("envd channel", () => {
  it("takes the first connection with the key, refuses a wrong key, then stops listening", async () => {
    const ch = await openEnvdChannel();
    const sockPath = path.join(ch.dir, "envd.sock");
    const key = ch.env.find((e) => e.startsWith("PLAYGROUND_ENVD_KEY="))!.split("=")[1]!;
    expect(await dial(sockPath, "0".repeat(key.length) + "\n")).toBe("closed");
    const good = connect(sockPath, () => good.write(`${key}\n{"ready":true}\n`));
    const sock = (await ch.accepted)!;
    expect(sock).not.toBeNull();
    const first = await new Promise<string>((r) => {
      sock.once("data", (d: Buffer) => r(d.toString()));
      sock.resume();
    });
    expect(first).toBe('{"ready":true}\n');
    expect(existsSync(sockPath)).toBe(false);
    ch.close();
    expect(existsSync(ch.dir)).toBe(false);
    good.destroy();
  });
});

describe.runIf(gate.run)("envd channel in an E2B container (real dockerd)", () => {
  const backends = { socket: new DockerBackend({ poolSize: 0, envdChannel: "socket" }), attach: new DockerBackend({ poolSize: 0, envdChannel: "attach" }) };
  const boxes: Box[] = [];
  afterAll(async () => {
    for (const b of Object.values(backends)) await b.shutdown();
  });

  /** A command's stdout (the envd protocol: a start, then data and end events). */
  async function output(box: Box, script: string): Promise<string> {
    const chunks: Buffer[] = [];
    let pid = -1;
    const seen: Record<string, unknown>[] = [];
    const ended = new Promise<void>((resolve) => {
      const off = box.agent.onEvent((m) => {
        seen.push(m);
        if (m.pid !== pid) return;
        if (m.ev === "data" && Buffer.isBuffer(m.bytes)) chunks.push(m.bytes);
        if (m.ev === "end") {
          off();
          resolve();
        }
      });
    });
    pid = Number((await box.agent.request({ op: "proc.start", cmd: "/bin/sh", args: ["-c", script], user: "root" })).pid);
    // Events that came before the reply named the pid.
    for (const m of seen.filter((m) => m.pid === pid)) if (m.ev === "data" && Buffer.isBuffer(m.bytes)) chunks.push(m.bytes);
    if (!seen.some((m) => m.pid === pid && m.ev === "end")) await ended;
    return Buffer.concat(chunks).toString();
  }

  it.each(["socket", "attach"] as const)("envd answers on the %s path; nothing of the channel is left to the sandbox", async (kind) => {
    const b = backends[kind];
    const box = await b.startBox(b.image, e2bDockerOptions(), `channel-test-${kind}`, envdSource());
    boxes.push(box);
    try {
      expect(box.agent.direct).toBe(kind === "socket");
      expect(await output(box, "echo hi")).toBe("hi\n");
      expect(await output(box, "env | grep -c PLAYGROUND_ || true")).toBe("0\n");
      if (kind === "socket") {
        // Empty (the socket is removed once envd is in) and not writable (read-only, and its host directory is gone).
        expect(await output(box, "ls -A /run/playground-envd; touch /run/playground-envd/x 2>/dev/null && echo writable || echo refused")).toBe("refused\n");
      }
    } finally {
      await b.destroyBox(box);
    }
  });
});
