// Hostile input against the SandboxFusion API over real HTTP: the request is refused with a clear
// 4xx naming the field, or runs safely; nothing leaks host files and the server keeps serving.
// SF_BACKENDS=local,docker as in sandbox-fusion.test.ts.
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-sf-hostile-"));
process.env.PLAYGROUND_STATE_DIR = stateDir;
process.env.PLAYGROUND_TRAFFIC_LOG = "memory";

const { dockerGate } = await import("@/lib/sandbox/backends/docker-test-gate");
const backends = (process.env.SF_BACKENDS ?? ((await dockerGate()).run ? "local,docker" : "local")).split(",").filter(Boolean);
const { serveSandboxFusionForTests } = await import("./testing/serve-for-tests");

const srv = serveSandboxFusionForTests(stateDir);

type Json = Record<string, unknown> & { error?: { code: string; field?: string; message: string } };

async function post(body: unknown): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${srv.url()}/sandbox-fusion/run_code`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Json };
}

const b64 = (s: string) => Buffer.from(s).toString("base64");
const filesUnder = (dir: string) => readdirSync(dir, { recursive: true, encoding: "utf8" });

describe.each(backends)("hostile SandboxFusion requests on %s", (backend) => {
  beforeAll(async () => {
    process.env.PLAYGROUND_API_BACKEND = backend;
    (await import("@/lib/env")).resetServerEnvForTests();
  });

  it("huge stdin (20 MB, under the body cap) is fed in full", async () => {
    const stdin = "y".repeat(20 * 1024 * 1024);
    const r = await post({ code: "import sys; print(len(sys.stdin.buffer.read()))", stdin, run_timeout: 60 });
    expect(r.status).toBe(200);
    expect(r.json.status).toBe("Success");
    expect((r.json.run_result as { stdout: string }).stdout).toBe(`${20 * 1024 * 1024}\n`);
  }, 180_000);

  it("file content that is not base64 is 422 naming the file", async () => {
    const r = await post({ code: "print(1)", files: { "good.txt": b64("ok"), "bad.txt": "this is *not* base64!!" } });
    expect(r.status).toBe(422);
    expect(r.json.error?.field).toBe("files.bad.txt");
    expect(r.json.error?.message).toMatch(/base64/);
  });

  it.each([["../escape.txt"], ["a/../../escape.txt"], ["/etc/cron.d/x"], ["..\\windows.txt"]])("a files path %s is 422 and nothing is written", async (p) => {
    const before = new Set(filesUnder(stateDir));
    const r = await post({ code: "print(1)", files: { "ok.txt": b64("fine"), [p]: b64("x") } });
    expect(r.status).toBe(422);
    expect(r.json.error?.field).toBe(`files.${p}`);
    // Refused as a whole before anything reached a disk: neither the bad file (wherever it would
    // land) nor its good sibling, in the sessions' state dir or at the absolute path.
    expect(filesUnder(stateDir).filter((f) => !before.has(f))).toEqual([]);
    expect(existsSync("/etc/cron.d/x")).toBe(false);
  });

  it("thousands of files are refused with 422; a thousand are accepted and all arrive", async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) many[`f/${i}.txt`] = b64(String(i));
    const refused = await post({ code: "print(1)", files: many });
    expect(refused.status).toBe(422);
    expect(refused.json.error?.field).toBe("files");
    expect(refused.json.error?.message).toMatch(/5000 files; at most 1000/);

    const ok: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) ok[`f/${i}.txt`] = b64(String(i));
    const r = await post({ code: "import os; fs=os.listdir('f'); print(len(fs), sum(int(open('f/'+n).read()) for n in fs))", files: ok });
    expect(r.status).toBe(200);
    expect((r.json.run_result as { stdout: string }).stdout).toBe(`1000 ${(999 * 1000) / 2}\n`);
  });

  it("fetching /etc/passwd or a path with .. is 422; a symlink to it comes back empty-handed", async () => {
    const abs = await post({ code: "print(1)", fetch_files: ["/etc/passwd"] });
    expect(abs.status).toBe(422);
    expect(abs.json.error?.field).toBe("fetch_files.0");
    const dots = await post({ code: "print(1)", fetch_files: ["../../../../etc/passwd"] });
    expect(dots.status).toBe(422);
    const link = await post({ code: "import os; os.symlink('/etc/passwd', 'pw'); os.symlink('/etc', 'etc'); print('linked')", fetch_files: ["pw", "etc/passwd"] });
    expect(link.status).toBe(200);
    expect((link.json.run_result as { stdout: string }).stdout).toBe("linked\n");
    expect(link.json.files).toEqual({});
  });

  it("an absolute path and NUL in a files key are refused; so is a files map that is not an object", async () => {
    expect((await post({ code: "print(1)", files: { "a\u0000b": b64("x") } })).status).toBe(422);
    const notObj = await post({ code: "print(1)", files: ["a.txt"] });
    expect(notObj.status).toBe(422);
    expect(notObj.json.error?.field).toBe("files");
  });

  it("output floods and fork bombs come back as results; the server keeps serving", async () => {
    const flood = await post({ code: "import sys\nwhile True: sys.stdout.write('x' * 65536)", run_timeout: 2 });
    expect(flood.status).toBe(200);
    expect(flood.json.status).toBe("Failed");
    const bomb = await post({ code: "import os\nwhile True:\n    try: os.fork()\n    except OSError: pass", run_timeout: 2 });
    expect(bomb.status).toBe(200);
    expect(bomb.json.status).toBe("Failed");
    expect(bomb.json.run_result).toMatchObject({ status: "TimeLimitExceeded", return_code: null });
    const after = await post({ code: "print('still here')" });
    expect(after.json.status).toBe("Success");
    expect((after.json.run_result as { stdout: string }).stdout).toBe("still here\n");
  });

  it("wrong JSON types at the top level are 422, not a crash", async () => {
    for (const body of [null, [], "code", 42, { code: 5 }, { code: "x", files: { a: 5 } }, { code: "x", fetch_files: "a" }]) {
      const r = await post(body);
      expect(r.status).toBe(422);
      expect(r.json.error?.code).toBe("unprocessable:body");
    }
    const ping = await fetch(`${srv.url()}/sandbox-fusion/v1/ping`);
    expect(await ping.json()).toBe("pong");
  });
});
