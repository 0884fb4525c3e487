// PLAYGROUND_DOCKER_RUNTIME: runsc (gVisor) asked for and missing is refused with the fix, never a
// silent runc; auto takes runsc when dockerd has it; every result names its isolation level.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireUnderCi } from "@/lib/testing/ci";
import { DockerBackend, RUNSC_FIX } from "./docker";
import { dockerFromEnv } from "./docker-client";
import { dockerGate } from "./docker-test-gate";
import { LocalBackend } from "./local";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-runtime-"));
process.env.PLAYGROUND_STATE_DIR = stateDir;
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

/** A Docker Engine API that answers like a dockerd without runsc (a real HTTP server). */
let fake: Server;
let fakePort: number;
beforeAll(async () => {
  fake = createServer((req, res) => {
    const p = (req.url ?? "").replace(/^\/v[\d.]+/, "").split("?")[0];
    if (p === "/_ping") return res.writeHead(200, { "content-type": "text/plain" }).end("OK");
    if (p === "/info") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ Runtimes: { runc: { path: "runc" } } }));
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: `no such thing: ${p}` }));
  });
  await new Promise<void>((r) => fake.listen(0, "127.0.0.1", r));
  fakePort = (fake.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => fake.close(() => r())));
const noRunsc = () => new Docker({ host: "127.0.0.1", port: fakePort, protocol: "http" });

describe("PLAYGROUND_DOCKER_RUNTIME against a dockerd without runsc", () => {
  it("runsc: unavailable with the exact fix, and runs are refused (no fall back to runc)", async () => {
    const b = new DockerBackend({ docker: noRunsc(), runtime: "runsc", poolSize: 0 });
    const a = await b.availability();
    expect(a.available).toBe(false);
    expect(a.reason).toBe(`PLAYGROUND_DOCKER_RUNTIME=runsc, but dockerd has no runsc runtime (it has runc), so Docker runs are refused. Fix: ${RUNSC_FIX}.`);
    expect(a.reason).toContain('"runtimeArgs":["--network=none"]');
    await expect(b.create({})).rejects.toThrow(/PLAYGROUND_DOCKER_RUNTIME=runsc, but dockerd has no runsc runtime/);
    await b.shutdown();
  });

  it("auto: runc", async () => {
    const b = new DockerBackend({ docker: noRunsc(), runtime: "auto", poolSize: 0 });
    expect(await b.runtime()).toEqual({ ok: true, value: "runc" });
    await b.shutdown();
  });
});

it("a local result names its isolation level", async () => {
  const local = new LocalBackend();
  const sb = await local.create({});
  const r = await sb.executeTool("python_executor", { code: "print(1)" });
  expect(r.isolation).toBe(sb.isolated ? "local · bwrap" : "local · rlimits only");
  expect(sb.isolation).toBe(r.isolation);
  await local.shutdown();
});

// The real thing: dockerd with runsc registered (.ci/run does it).
const gate = await dockerGate();
const runtimes = gate.run ? await dockerFromEnv().info().then((i: { Runtimes?: Record<string, unknown> }) => Object.keys(i.Runtimes ?? {})) : [];
const hasRunsc = requireUnderCi("dockerd with the runsc runtime (gVisor)", {
  ok: runtimes.includes("runsc"),
  why: gate.run ? `dockerd's runtimes are ${runtimes.join(", ")}` : gate.reason,
  install: RUNSC_FIX,
});

describe.runIf(gate.run && hasRunsc)("gVisor on the real dockerd", () => {
  it("auto takes runsc: the run sees gVisor's kernel, and says so", async () => {
    const b = new DockerBackend({ runtime: "auto", poolSize: 0 });
    try {
      expect(await b.availability()).toMatchObject({ available: true, isolation: "docker · gVisor" });
      await using sb = await b.create({});
      expect(sb.isolation).toBe("docker · gVisor");
      const r = await sb.executeTool("python_executor", { code: "import platform; print(platform.release())" });
      expect(r).toMatchObject({ status: "success", isolation: "docker · gVisor" });
      // gVisor's own kernel version, not the host's.
      expect(r.output).toBe("4.4.0\n");
      expect(os.release()).not.toBe("4.4.0");
    } finally {
      await b.shutdown();
    }
  });

  it("runc stays runc: the host's kernel", async () => {
    const b = new DockerBackend({ runtime: "runc", poolSize: 0 });
    try {
      await using sb = await b.create({});
      const r = await sb.executeTool("python_executor", { code: "import platform; print(platform.release())" });
      expect(r).toMatchObject({ status: "success", isolation: "docker · runc", output: `${os.release()}\n` });
    } finally {
      await b.shutdown();
    }
  });
});
