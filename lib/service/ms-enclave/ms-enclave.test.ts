// The /ms-enclave routes over real HTTP, with the requests ms-enclave's HttpSandboxManager makes
// (ms_enclave/sandbox/manager/http_manager.py): same paths, query params, JSON payloads and the
// X-API-Key header. The server is a node http server that runs proxy.ts (the token gate) and then
// the route handler, as `next start` does.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { requireUnderCi } from "@/lib/testing/ci";
import { tar, tarEntry } from "@/lib/sandbox/testing/tar-fixture";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-me-"));
process.env.PLAYGROUND_STATE_DIR = stateDir;
process.env.PLAYGROUND_TRAFFIC_LOG = "memory";
process.env.PLAYGROUND_API_BACKEND = process.env.ME_BACKEND ?? "local";
process.env.PLAYGROUND_API_MAX_BODY_MB = "2";
delete process.env.PLAYGROUND_TOKEN;

const { NextRequest } = await import("next/server");
const { proxy } = await import("@/proxy");
const route = await import("@/app/(service)/ms-enclave/[...path]/route");
const { resetServerEnvForTests } = await import("@/lib/env");
const { recentTraffic, resetTrafficForTests } = await import("@/lib/traffic/recorder");
const { resetMsEnclaveForTests } = await import("./manager");
const sessions = await import("@/lib/sandbox/sessions");
const dockerGateResult = await (await import("@/lib/sandbox/backends/docker-test-gate")).dockerGate();

let server: Server;
let base: string;

async function handle(req: import("node:http").IncomingMessage): Promise<Response> {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (v !== undefined) headers.set(k, v);
  }
  headers.set("x-forwarded-for", req.socket.remoteAddress ?? "unknown");
  const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
  const gate = proxy(new NextRequest(url, { method: req.method, headers }));
  if (gate.headers.get("x-middleware-next") !== "1") return gate;
  const hasBody = req.method !== "GET" && req.method !== "HEAD" && req.method !== "DELETE";
  const request = new Request(url, {
    method: req.method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  } as RequestInit);
  const segments = url.pathname.split("/").filter(Boolean);
  if (segments[0] !== "ms-enclave") return Response.json({ detail: "Not Found" }, { status: 404 });
  const method = req.method as "GET" | "POST" | "DELETE";
  return route[method](request, { params: Promise.resolve({ path: segments.slice(1) }) });
}

beforeAll(async () => {
  resetServerEnvForTests();
  server = createServer((req, res) => {
    handle(req)
      .then(async (r) => {
        // A refused upload was not read to the end: do not reuse the connection.
        const close = r.status === 413 ? { connection: "close" } : {};
        res.writeHead(r.status, { ...Object.fromEntries(r.headers), ...close });
        res.end(Buffer.from(await r.arrayBuffer()));
      })
      .catch((e) => res.writeHead(500).end(String(e)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ms-enclave`;
});

afterAll(async () => {
  await resetMsEnclaveForTests();
  await sessions.shutdownSessions();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(stateDir, { recursive: true, force: true });
});

afterEach(async () => {
  delete process.env.PLAYGROUND_TOKEN;
  resetServerEnvForTests();
  await resetMsEnclaveForTests();
  resetTrafficForTests();
});

/** What DockerSandboxConfig(...).model_dump(exclude_none=True) sends: every field, with its defaults. */
function dockerConfig(tools: Record<string, object> | string[]) {
  return {
    timeout: 30,
    tools_config: tools,
    working_dir: "/sandbox",
    env_vars: {},
    resource_limits: {},
    image: "python:3.11-slim",
    volumes: {},
    ports: {},
    network: "bridge",
    extra_hosts: {},
    memory_limit: "4g",
    cpu_limit: 2.0,
    network_enabled: true,
    privileged: false,
    remove_on_exit: true,
    pull_progress: false,
    pull_progress_interval: 3.0,
    docker_executor_workers: 8,
  };
}

/** aiohttp's session: default headers (X-API-Key when api_key is set), params in the query, json bodies. */
function client(apiKey?: string) {
  const headers: Record<string, string> = apiKey ? { "X-API-Key": apiKey } : {};
  async function call(method: string, p: string, opts: { params?: Record<string, string | number>; json?: unknown } = {}) {
    const q = opts.params ? `?${new URLSearchParams(Object.entries(opts.params).map(([k, v]) => [k, String(v)]))}` : "";
    const res = await fetch(`${base}${p}${q}`, {
      method,
      headers: { ...headers, ...(opts.json !== undefined ? { "content-type": "application/json" } : {}) },
      ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : {}),
    });
    return { status: res.status, json: (await res.json()) as any };
  }
  return call;
}

/** SandboxInfo.model_validate would accept this. */
function expectSandboxInfo(info: any) {
  expect(typeof info.id).toBe("string");
  expect(["initializing", "running", "idle", "busy", "stopping", "stopped", "error"]).toContain(info.status);
  expect(typeof info.type).toBe("string");
  expect(info.config).toBeTypeOf("object");
  expect(Number.isNaN(Date.parse(info.created_at))).toBe(false);
  expect(Number.isNaN(Date.parse(info.updated_at))).toBe(false);
  expect(info.metadata).toBeTypeOf("object");
  expect(info.available_tools).toBeTypeOf("object");
}

/** ToolResult.model_validate would accept this. */
function expectToolResult(r: any, tool: string) {
  expect(["success", "error", "timeout", "cancelled"]).toContain(r.status);
  expect(r.tool_name).toBe(tool);
  expect(Number.isNaN(Date.parse(r.timestamp))).toBe(false);
  expect(r.execution_time === null || typeof r.execution_time === "number").toBe(true);
  expect(r.metadata).toBeTypeOf("object");
  expect(r.error === null || typeof r.error === "string").toBe(true);
}

describe("HttpSandboxManager's call sequence", () => {
  it("health, create, info, tools, execute, list, stop, delete", async () => {
    const call = client();
    const health = await call("GET", "/health");
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ healthy: true, version: "1.0.0", active_sandboxes: 0 });
    expect(health.json.uptime).toBeTypeOf("number");

    const config = dockerConfig({ python_executor: {}, shell_executor: {}, file_operation: {} });
    const created = await call("POST", "/sandbox/create", { params: { sandbox_type: "docker" }, json: config });
    expect(created.status).toBe(200);
    const id = created.json.sandbox_id as string;
    expect(id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);

    const info = await call("GET", `/sandbox/${id}`);
    expect(info.status).toBe(200);
    expectSandboxInfo(info.json);
    expect(info.json).toMatchObject({ id, status: "running", type: "docker" });
    // The server's policy, reported as applied: no network, no privileges, our image, capped memory.
    expect(info.json.config).toMatchObject({ network_enabled: false, privileged: false, network: "none", memory_limit: "2048m", working_dir: "/sandbox" });
    expect(info.json.config.image).not.toBe("python:3.11-slim");
    expect(info.json.metadata.overridden).toMatchObject({
      image: { requested: "python:3.11-slim" },
      network_enabled: { requested: true, applied: false },
      memory_limit: { requested: "4g", applied: "2048m" },
    });
    // It is a session of the session manager (so the Editor can open it by id).
    expect(sessions.sessionCount()).toBe(1);
    expect(info.json.metadata.editor_url).toBe(`/editor?session=${id}&backend=${info.json.metadata.backend}`);

    const tools = await call("GET", `/sandbox/${id}/tools`);
    expect(tools.status).toBe(200);
    expect(Object.keys(tools.json)).toEqual(["python_executor", "shell_executor", "file_operation"]);
    expect(tools.json.python_executor).toMatchObject({ type: "function", function: { name: "python_executor" } });
    expect(tools.json.python_executor.function.parameters.properties.code).toBeDefined();

    // ToolExecutionRequest(...).model_dump(): timeout is sent as null.
    const exec = (tool_name: string, parameters: object) =>
      call("POST", "/sandbox/tool/execute", { json: { sandbox_id: id, tool_name, parameters, timeout: null } });
    const ok = await exec("python_executor", { code: "import sys\nprint('hi', 6*7)\nprint('warn', file=sys.stderr)" });
    expect(ok.status).toBe(200);
    expectToolResult(ok.json, "python_executor");
    expect(ok.json).toMatchObject({ status: "success", output: "hi 42\n", error: "warn\n" });
    expect(ok.json.metadata.exit_code).toBe(0);

    const bad = await exec("python_executor", { code: "raise SystemExit(3)" });
    expect(bad.json).toMatchObject({ status: "error", output: "" });
    expect(bad.json.metadata.exit_code).toBe(3);

    const slow = await exec("shell_executor", { command: "sleep 5", timeout: 1 });
    expect(slow.json.status).toBe("timeout");

    // State lives in the sandbox between calls, as in an ms-enclave Docker sandbox.
    const write = await exec("file_operation", { operation: "write", file_path: "/sandbox/a.txt", content: "kept" });
    expect(write.json.status).toBe("success");
    const read = await exec("shell_executor", { command: "cat a.txt" });
    expect(read.json).toMatchObject({ status: "success", output: "kept" });

    const listed = await call("GET", "/sandboxes");
    expect(listed.status).toBe(200);
    expect(listed.json.map((s: { id: string }) => s.id)).toEqual([id]);
    listed.json.forEach(expectSandboxInfo);
    expect((await call("GET", "/sandboxes", { params: { status: "stopped" } })).json).toEqual([]);

    const stats = await call("GET", "/stats");
    expect(stats.json).toMatchObject({ total_sandboxes: 1, status_counts: { running: 1 } });

    const stopped = await call("POST", `/sandbox/${id}/stop`);
    expect(stopped).toEqual({ status: 200, json: { message: "Sandbox stopped successfully" } });
    expect((await call("GET", `/sandbox/${id}`)).json.status).toBe("stopped");
    const afterStop = await exec("python_executor", { code: "print(1)" });
    expect(afterStop.status).toBe(404);
    expect(afterStop.json.detail).toMatch(/not active/);

    const deleted = await call("DELETE", `/sandbox/${id}`);
    expect(deleted).toEqual({ status: 200, json: { message: "Sandbox deleted successfully" } });
    expect(await call("GET", `/sandbox/${id}`)).toEqual({ status: 404, json: { detail: "Sandbox not found" } });
    expect((await call("DELETE", `/sandbox/${id}`)).status).toBe(404);
    expect((await call("POST", `/sandbox/${id}/stop`)).status).toBe(404);
    expect(sessions.sessionCount()).toBe(0);

    // Tool calls and lifecycle calls reached the traffic log; reads did not.
    const log = recentTraffic();
    expect(log.every((r) => r.api === "ms-enclave")).toBe(true);
    const runs = log.filter((r) => r.route === "/ms-enclave/sandbox/tool/execute");
    // Six calls, the last refused (404) after stop.
    expect(runs.length).toBe(6);
    expect(runs[5]).toMatchObject({ http_status: 404, outcome: "rejected" });
    expect(runs[0]).toMatchObject({ tool_name: "python_executor", language: "python", outcome: "success", stdout: "hi 42\n", sandbox_id: id });
    expect(runs[2]).toMatchObject({ tool_name: "shell_executor", outcome: "timeout", code: "sleep 5" });
    expect(log.some((r) => r.route === "/ms-enclave/health")).toBe(false);
  });

  it("a tools_config list works; a tool the sandbox lacks or an unknown sandbox is 404 {detail}", async () => {
    const call = client();
    const created = await call("POST", "/sandbox/create", { params: { sandbox_type: "docker" }, json: dockerConfig(["python_executor", "notebook_executor", "made_up"]) });
    const id = created.json.sandbox_id;
    const info = await call("GET", `/sandbox/${id}`);
    expect(Object.keys(info.json.available_tools)).toEqual(["python_executor"]);
    // ms-enclave skips tools the sandbox type cannot have (notebook_executor needs docker_notebook).
    expect(info.json.metadata.skipped_tools).toEqual(["notebook_executor", "made_up"]);
    const r = await call("POST", "/sandbox/tool/execute", { json: { sandbox_id: id, tool_name: "shell_executor", parameters: { command: "ls" } } });
    expect(r).toEqual({ status: 404, json: { detail: "Tool shell_executor is not available" } });
    const gone = await call("POST", "/sandbox/tool/execute", { json: { sandbox_id: "nope12345", tool_name: "python_executor", parameters: { code: "1" } } });
    expect(gone).toEqual({ status: 404, json: { detail: "Sandbox nope12345 not found" } });
    expect((await call("GET", "/sandbox/nope12345/tools")).status).toBe(404);
    // With no config at all, ms-enclave's sandbox has no tools either.
    const bare = await call("POST", "/sandbox/create", { params: { sandbox_type: "docker" } });
    expect(bare.status).toBe(200);
    expect((await call("GET", `/sandbox/${bare.json.sandbox_id}/tools`)).json).toEqual({});
  });

  it("pool: initialize, execute in turns, 408 when none frees up in time, 400 before initialize", async () => {
    const call = client();
    const before = await call("POST", "/pool/execute", { params: { tool_name: "python_executor", timeout: 5 }, json: { code: "print(1)" } });
    expect(before).toEqual({ status: 400, json: { detail: "Sandbox pool is empty, call initialize_pool first" } });

    const init = await call("POST", "/pool/initialize", { params: { pool_size: 2, sandbox_type: "docker" }, json: dockerConfig({ python_executor: {} }) });
    expect(init.status).toBe(200);
    expect(init.json).toMatchObject({ message: "Pool initialized successfully", pool_size: 2 });
    const ids: string[] = init.json.sandbox_ids;
    for (const id of ids) expect((await call("GET", `/sandbox/${id}`)).json.status).toBe("idle");

    // Four calls on two sandboxes: each runs, two at a time.
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        call("POST", "/pool/execute", { params: { tool_name: "python_executor", timeout: 60 }, json: { code: `print(${i})` } }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(results.map((r) => r.json.output)).toEqual(["0\n", "1\n", "2\n", "3\n"]);
    expect(new Set(results.map((r) => r.json.metadata.sandbox_id))).toEqual(new Set(ids));

    // Both busy with a long call (seen busy, not assumed after a pause): a third waits 1 s and gets 408.
    const long = ids.map(() => call("POST", "/pool/execute", { params: { tool_name: "python_executor", timeout: 60 }, json: { code: "import time; time.sleep(4)" } }));
    const statuses = async () => Promise.all(ids.map(async (id) => (await call("GET", `/sandbox/${id}`)).json.status as string));
    await expect.poll(statuses, { timeout: 20_000, interval: 50 }).toEqual(["busy", "busy"]);
    const late = await call("POST", "/pool/execute", { params: { tool_name: "python_executor", timeout: 1 }, json: { code: "print(1)" } });
    expect(late.status).toBe(408);
    expect(late.json.detail).toMatch(/Timeout waiting for available sandbox from pool after 1s/);
    expect((await Promise.all(long)).map((r) => r.json.status)).toEqual(["success", "success"]);
  });

  it("validation errors come back as FastAPI's 422 detail list", async () => {
    const call = client();
    const noType = await call("POST", "/sandbox/create", { json: {} });
    expect(noType.status).toBe(422);
    expect(noType.json.detail[0]).toMatchObject({ type: "missing", loc: ["query", "sandbox_type"] });
    const badType = await call("POST", "/sandbox/create", { params: { sandbox_type: "vm" }, json: {} });
    expect(badType.status).toBe(422);
    expect(badType.json.detail[0]).toMatchObject({ type: "enum", loc: ["query", "sandbox_type"] });
    const noId = await call("POST", "/sandbox/tool/execute", { json: { tool_name: "python_executor" } });
    expect(noId.status).toBe(422);
    expect(noId.json.detail[0]).toMatchObject({ type: "missing", loc: ["body", "sandbox_id"], msg: "Field required" });
    const notJson = await fetch(`${base}/sandbox/tool/execute`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(notJson.status).toBe(422);
    const badMem = await call("POST", "/sandbox/create", { params: { sandbox_type: "docker" }, json: { memory_limit: "lots" } });
    expect(badMem.status).toBe(400);
    expect(badMem.json.detail).toMatch(/^Failed to create sandbox: memory_limit: Invalid memory limit format/);
    expect((await call("POST", "/sandbox/create", { params: { sandbox_type: "dummy" }, json: {} })).status).toBe(400);
    expect((await call("GET", "/nowhere")).status).toBe(404);
    expect((await call("PATCH", "/health")).status).toBe(405);
  });

  it("a body over the cap gets 413 (declared or streamed)", async () => {
    const big = "x".repeat(3 * 1024 * 1024);
    const r = await fetch(`${base}/sandbox/tool/execute`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sandbox_id: "x", tool_name: "python_executor", parameters: { code: big } }),
    });
    expect(r.status).toBe(413);
    expect((await r.json()).detail).toMatch(/limit is 2 MB/);
    // Chunked (no content-length): the route stops reading past the cap.
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 6; i++) c.enqueue(new TextEncoder().encode("y".repeat(512 * 1024)));
        c.close();
      },
    });
    const chunked = await fetch(`${base}/sandbox/tool/execute`, { method: "POST", body: stream, duplex: "half" } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it("an expired session is an expired sandbox", async () => {
    const call = client();
    const id = (await call("POST", "/sandbox/create", { params: { sandbox_type: "docker" }, json: dockerConfig(["python_executor"]) })).json.sandbox_id;
    expect(sessions.sessionCount()).toBe(1);
    // The session manager owns idleness: its sweep closes the idle sandbox, and ms-enclave forgets it.
    expect(sessions.listSessions().find((x) => x.id === id)?.expires_at_ms).toBeGreaterThan(Date.now());
    await sessions.sweepIdleSessions(Date.now() + 10 * 3600 * 1000);
    expect(sessions.sessionCount()).toBe(0);
    expect((await call("GET", `/sandbox/${id}`)).status).toBe(404);
    expect((await call("POST", "/sandbox/tool/execute", { json: { sandbox_id: id, tool_name: "python_executor", parameters: { code: "1" } } })).status).toBe(404);
  });
});

/** HttpSandboxManager.put_archive: POST /sandbox/{id}/archive?target_dir=… with the tar as the body. */
async function putArchive(id: string, targetDir: string | null, body: Buffer) {
  const q = targetDir === null ? "" : `?${new URLSearchParams({ target_dir: targetDir })}`;
  const res = await fetch(`${base}/sandbox/${id}/archive${q}`, { method: "POST", headers: { "content-type": "application/x-tar" }, body: new Uint8Array(body) });
  return { status: res.status, json: (await res.json()) as any };
}

async function shellSandbox(call: ReturnType<typeof client>) {
  const created = await call("POST", "/sandbox/create", { params: { sandbox_type: "docker" }, json: dockerConfig({ shell_executor: {} }) });
  expect(created.status).toBe(200);
  const id = created.json.sandbox_id as string;
  const sh = async (command: string) => (await call("POST", "/sandbox/tool/execute", { json: { sandbox_id: id, tool_name: "shell_executor", parameters: { command }, timeout: null } })).json;
  return { id, sh };
}

/** Hostile archives: each is refused with 400 {detail}, and nothing of it lands anywhere. */
const hostileArchives: [string, Buffer, RegExp][] = [
  ["an absolute name", tar(tarEntry("good.txt", { data: "g" }), tarEntry("/tmp/abs-escape.txt", { data: "x" })), /absolute path/],
  ["a .. name", tar(tarEntry("good.txt", { data: "g" }), tarEntry("../../dots-escape.txt", { data: "x" })), /"\.\."/],
  ["a symlink out", tar(tarEntry("good.txt", { data: "g" }), tarEntry("pw", { type: "2", linkname: "/etc/passwd" })), /symbolic link/],
  ["a hard link", tar(tarEntry("good.txt", { data: "g" }), tarEntry("hl", { type: "1", linkname: "/etc/passwd" })), /hard link/],
  ["a device", tar(tarEntry("good.txt", { data: "g" }), tarEntry("mem", { type: "3" })), /character device/],
];

describe("put_archive (HttpSandboxManager.put_archive / put_dir)", () => {
  it("extracts files and directories under target_dir with their exec bits; the sandbox's programs see them", async () => {
    const call = client();
    const { id, sh } = await shellSandbox(call);
    const archive = tar(tarEntry("demo/", { type: "5", mode: 0o755 }), tarEntry("demo/SKILL.md", { data: "skill" }), tarEntry("demo/run.sh", { data: "#!/bin/sh\necho ran\n", mode: 0o755 }));
    const r = await putArchive(id, "skills", archive);
    expect(r).toEqual({ status: 200, json: { ok: true } });
    expect((await sh("cat skills/demo/SKILL.md; echo; ./skills/demo/run.sh; stat -c '%a %u' skills/demo/run.sh skills/demo/SKILL.md; id -u")).output).toMatch(/^skill\nran\n755 (\d+)\n644 \1\n\1\n$/);
    // Recorded for Traffic like a tool call.
    expect(recentTraffic().some((t) => t.tool_name === "put_archive" && t.sandbox_id === id)).toBe(true);
  });

  it.each(hostileArchives)("%s is refused (400) and nothing is written", async (_what, archive, message) => {
    const call = client();
    const { id, sh } = await shellSandbox(call);
    const r = await putArchive(id, "up", archive);
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(message);
    expect((await sh("ls -A; ls /tmp/abs-escape.txt ../dots-escape.txt 2>&1 | grep -c 'No such file'")).output).toBe("2\n");
  });

  it("a target outside the sandbox's storage, a symlinked target, a missing target_dir, an empty body, an unknown sandbox, a body over the cap", async () => {
    const call = client();
    const { id, sh } = await shellSandbox(call);
    const one = tar(tarEntry("a.txt", { data: "a" }));
    expect((await putArchive(id, "/etc", one)).status).toBe(400);
    await sh("ln -s /etc out");
    const viaLink = await putArchive(id, "out", one);
    expect(viaLink.status).toBe(400);
    expect(viaLink.json.detail).toMatch(/outside|symlink/);
    const missing = await putArchive(id, null, one);
    expect(missing.status).toBe(422);
    expect(missing.json.detail[0]).toMatchObject({ type: "missing", loc: ["query", "target_dir"] });
    expect(await putArchive(id, "x", Buffer.alloc(0))).toMatchObject({ status: 400, json: { detail: "Archive body must not be empty" } });
    expect((await putArchive("no-such-sandbox", "x", one)).status).toBe(404);
    // PLAYGROUND_API_MAX_BODY_MB is 2 in this file.
    expect((await putArchive(id, "x", tar(tarEntry("big", { data: Buffer.alloc(3 * 1024 * 1024) })))).status).toBe(413);
    expect((await sh("ls -A")).output).toBe("out\n");
  });
});

describe.skipIf(!dockerGateResult.run)("put_archive on the Docker backend (the real image)", () => {
  it("put_dir into /tmp as ms-enclave's own test does: owned by the sandbox user, exec bits kept; hostile archives write nothing", async () => {
    process.env.PLAYGROUND_API_BACKEND = "docker";
    resetServerEnvForTests();
    try {
      const call = client();
      const { id, sh } = await shellSandbox(call);
      expect((await call("GET", `/sandbox/${id}`)).json.metadata.backend).toBe("docker");
      const archive = tar(tarEntry("demo/SKILL.md", { data: "skill from docker" }), tarEntry("demo/bin/tool", { data: "#!/bin/sh\necho tool\n", mode: 0o755 }));
      expect(await putArchive(id, "/tmp/eval-skills", archive)).toEqual({ status: 200, json: { ok: true } });
      const seen = await sh("cat /tmp/eval-skills/demo/SKILL.md; echo; /tmp/eval-skills/demo/bin/tool; stat -c '%u %a' /tmp/eval-skills/demo/bin/tool /tmp/eval-skills/demo; id -u");
      expect(seen.output).toMatch(/^skill from docker\ntool\n(\d+) 755\n\1 755\n\1\n$/);
      expect(await putArchive(id, "/mnt/data", tar(tarEntry("d.txt", { data: "mnt" })))).toEqual({ status: 200, json: { ok: true } });
      expect((await sh("cat /mnt/data/d.txt")).output).toBe("mnt");
      for (const [, hostile, message] of hostileArchives) {
        const r = await putArchive(id, "/tmp/up", hostile);
        expect(r.status).toBe(400);
        expect(r.json.detail).toMatch(message);
      }
      expect((await putArchive(id, "/etc/evil", tar(tarEntry("a", { data: "a" })))).status).toBe(400);
      await sh("ln -s /etc /tmp/etc-link");
      expect((await putArchive(id, "/tmp/etc-link", tar(tarEntry("a", { data: "a" })))).status).toBe(400);
      expect((await sh("ls /tmp/up /tmp/abs-escape.txt /dots-escape.txt /tmp/dots-escape.txt /etc/evil /etc/a 2>&1 | grep -c 'No such file'")).output).toBe("6\n");
    } finally {
      process.env.PLAYGROUND_API_BACKEND = process.env.ME_BACKEND ?? "local";
      resetServerEnvForTests();
    }
  }, 120_000);
});

describe("auth", () => {
  it("with PLAYGROUND_TOKEN: X-API-Key (HttpSandboxManager's api_key), Bearer and ?api_key= work; nothing else", async () => {
    process.env.PLAYGROUND_TOKEN = "tok-for-ms-enclave";
    resetServerEnvForTests();
    expect(await client()("GET", "/health")).toEqual({ status: 401, json: { detail: "Unauthorized" } });
    expect((await client("wrong")("GET", "/health")).status).toBe(401);
    expect((await client("tok-for-ms-enclave")("GET", "/health")).status).toBe(200);
    const bearer = await fetch(`${base}/health`, { headers: { authorization: "Bearer tok-for-ms-enclave" } });
    expect(bearer.status).toBe(200);
    const query = await fetch(`${base}/health?api_key=tok-for-ms-enclave`);
    expect(query.status).toBe(200);
    const created = await client("tok-for-ms-enclave")("POST", "/sandbox/create", { params: { sandbox_type: "docker" }, json: dockerConfig(["python_executor"]) });
    expect(created.status).toBe(200);
  });

  it("without a token: loopback clients are served, a cross-site browser POST is refused", async () => {
    expect((await client()("GET", "/health")).status).toBe(200);
    const cross = await fetch(`${base}/sandbox/create?sandbox_type=docker`, { method: "POST", headers: { origin: "http://evil.example" }, body: "{}" });
    expect(cross.status).toBe(403);
  });
});

/** A python3 with aiohttp (Debian: python3-aiohttp), the HTTP client HttpSandboxManager uses. */
function aiohttpPython(): string | null {
  for (const py of ["python3", "/usr/bin/python3"]) {
    try {
      execFileSync(py, ["-c", "import aiohttp"], { stdio: "ignore" });
      return py;
    } catch {
      /* next */
    }
  }
  return null;
}
const py = aiohttpPython();
const hasAiohttp = requireUnderCi("Python's aiohttp for the HttpSandboxManager replay", {
  ok: py !== null,
  why: "`python3 -c 'import aiohttp'` failed",
  install: "apt-get install python3-aiohttp",
});

describe.runIf(hasAiohttp)("HttpSandboxManager's requests from Python (aiohttp)", () => {
  it("health, create, tools, execute, put_dir, list, stop, delete, pool, cleanup, with X-API-Key", async () => {
    process.env.PLAYGROUND_TOKEN = "aiohttp-key";
    resetServerEnvForTests();
    const script = path.join(import.meta.dirname, "testing", "http_manager_replay.py");
    const { stdout } = await promisify(execFile)(py!, [script, base, "aiohttp-key"], { timeout: 120_000 });
    expect(JSON.parse(stdout)).toEqual({ ok: true, steps: ["health", "create", "tools", "execute", "put_dir", "list", "stop+delete", "pool", "cleanup"] });
  });
});
