// envd under bwrap (the E2B gateway's local backend): it answers over its pipes like a
// container's agent, runs commands as `user` in a private /home/user, refuses root by name, and
// destroy leaves no process and no file behind.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { underCi } from "@/lib/testing/ci";
import type { RpcMessage } from "../rpc/json-lines";
import { probeLocalHost } from "./local-host";
import { startLocalEnvd, type LocalEnvdBox } from "./local-envd";
import { pidsOfUid } from "./procs";
import { isRoot } from "../proc";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-local-envd-"));
const host = probeLocalHost();
const runIt = host.bwrap || underCi ? it : it.skip;

afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

let n = 0;
function start(): Promise<LocalEnvdBox> {
  n++;
  return startLocalEnvd(host, { dir: path.join(stateDir, `sb${n}`), uid: isRoot() ? 330_000 + n : null, memoryMb: 1024, pids: 64, fileMb: 64, tmpMb: 64 });
}

/** Runs a command through envd and collects its output and exit event. */
async function run(box: LocalEnvdBox, cmd: string, user = "user"): Promise<{ stdout: string; exit: number }> {
  let stdout = "";
  let pid = -1;
  const early: RpcMessage[] = [];
  let done!: (exit: number) => void;
  const ended = new Promise<number>((r) => (done = r));
  const onEv = (m: RpcMessage) => {
    if (m.pid !== pid) return;
    if (m.ev === "data" && m.fd === 1) stdout += (Buffer.isBuffer(m.bytes) ? m.bytes : Buffer.from(String(m.b ?? ""), "base64")).toString();
    if (m.ev === "end") done(Number(m.exit_code));
  };
  const off = box.agent.onEvent((m) => (pid < 0 ? early.push(m) : onEv(m)));
  try {
    const r = await box.agent.request({ op: "proc.start", cmd: "/bin/bash", args: ["-l", "-c", cmd], envs: {}, user }, { timeoutMs: 10_000 });
    pid = Number(r.pid);
    early.forEach(onEv);
    const exit = await ended;
    return { stdout, exit };
  } finally {
    off();
  }
}

describe("envd on the local backend (bwrap)", () => {
  runIt("runs commands as user in a private home and /tmp, refuses root, and leaves nothing after destroy", async () => {
    // What a dead server left is removed when the next sandbox starts.
    mkdirSync(path.join(stateDir, "e2b-stale", "home"), { recursive: true });
    writeFileSync(path.join(stateDir, "e2b-stale.owner"), "2147483646");
    const [a, b] = await Promise.all([start(), start()]);
    expect(existsSync(path.join(stateDir, "e2b-stale")) || existsSync(path.join(stateDir, "e2b-stale.owner"))).toBe(false);
    try {
      expect(await run(a, "whoami; echo $HOME; pwd; touch /tmp/mine")).toEqual({ stdout: "user\n/home/user\n/home/user\n", exit: 0 });
      expect((await run(b, "ls /tmp; ls /home")).stdout).toBe("user\n");
      const w = await a.agent.request({ op: "fs.write", path: "notes/x.txt", user: "user" }, { bytes: Buffer.from("hi") });
      expect(w.entry).toMatchObject({ path: "/home/user/notes/x.txt", owner: "user" });
      expect((await run(b, "test -e /home/user/notes/x.txt && echo leaked || echo apart")).stdout).toBe("apart\n");
      await expect(a.agent.request({ op: "proc.start", cmd: "true", args: [], user: "root" })).rejects.toThrow(/not available.*local \(bwrap\) backend/);
      await expect(a.agent.request({ op: "fs.read", path: "/etc/hostname", user: "root" })).rejects.toThrow(/no root/);
      // The host's userland is read-only; no network.
      expect((await run(a, "touch /usr/x 2>/dev/null || echo ro; cat /proc/net/dev | grep -c ':' ")).stdout).toBe("ro\n1\n");
      await run(a, "setsid sleep 300 >/dev/null 2>&1 &");
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
    }
    expect(existsSync(a.dir) || existsSync(b.dir)).toBe(false);
    if (a.uid !== null) expect(pidsOfUid(a.uid)).toEqual([]);
  });
});
