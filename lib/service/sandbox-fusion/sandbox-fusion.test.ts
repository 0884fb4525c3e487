// SandboxFusion-compatible API over real HTTP (a node http server in front of the route handlers),
// on each backend: SF_BACKENDS=local,docker; by default local, plus docker when it is reachable.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-sf-"));
process.env.PLAYGROUND_STATE_DIR = stateDir;
process.env.PLAYGROUND_TRAFFIC_LOG = "memory";
// Small, so the 413 case needs no huge upload.
process.env.PLAYGROUND_API_MAX_BODY_MB = "4";

const { dockerGate } = await import("@/lib/sandbox/backends/docker-test-gate");
const backends = (process.env.SF_BACKENDS ?? ((await dockerGate()).run ? "local,docker" : "local")).split(",").filter(Boolean);
const { serveSandboxFusionForTests } = await import("./testing/serve-for-tests");
const { apiQueue } = await import("@/lib/service/core/execute");
const { recentTraffic } = await import("@/lib/traffic/recorder");
const { hostLanguages } = await import("@/lib/sandbox/tools/multi-code-languages");

const srv = serveSandboxFusionForTests(stateDir);

interface Cmd {
  status: string;
  execution_time: number | null;
  return_code: number | null;
  stdout: string | null;
  stderr: string | null;
}
interface RunCodeResponse {
  status: string;
  message: string;
  compile_result: Cmd | null;
  run_result: Cmd | null;
  executor_pod_name: string | null;
  files: Record<string, string>;
  isolation?: string;
}

const USER_AGENT = "sf-test-client/1.0";

async function post(route: string, body: unknown, raw = false): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${srv.url()}/sandbox-fusion/${route}`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": USER_AGENT },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe.each(backends)("run_code on the %s backend", (backend) => {
  let previous: string | undefined;
  beforeAll(async () => {
    previous = process.env.PLAYGROUND_API_BACKEND;
    process.env.PLAYGROUND_API_BACKEND = backend;
    const { resetServerEnvForTests } = await import("@/lib/env");
    resetServerEnvForTests();
  });
  afterAll(async () => {
    process.env.PLAYGROUND_API_BACKEND = previous;
    (await import("@/lib/env")).resetServerEnvForTests();
  });

  async function run(body: Record<string, unknown>): Promise<RunCodeResponse> {
    const r = await post("run_code", body);
    expect(r.status).toBe(200);
    const resp = r.json as unknown as RunCodeResponse;
    expect(resp.executor_pod_name).toBe(`rollout-playground/${backend}`);
    return resp;
  }

  it('{"code": ...} alone runs Python and succeeds', async () => {
    const r = await run({ code: "print('hello')" });
    expect(r).toMatchObject({ status: "Success", message: "", compile_result: null, files: {} });
    expect(r.run_result).toMatchObject({ status: "Finished", return_code: 0, stdout: "hello\n", stderr: "" });
    expect(r.run_result!.execution_time).toBeGreaterThan(0);
    // Our extra field: the isolation level this run had (verl and the sandbox_fusion client ignore it).
    const level = backend === "docker" ? (process.env.PLAYGROUND_DOCKER_RUNTIME === "runsc" ? "docker · gVisor" : "docker · runc") : /^local · /;
    expect(r.isolation).toMatch(level);
  });

  it("feeds stdin exactly, with no newline added, and ignores unknown fields", async () => {
    const r = await run({ code: "import sys; print(repr(sys.stdin.read()))", stdin: "3 4\n5", expected_stdout: "x", language: "python" });
    expect(r.status).toBe("Success");
    expect(r.run_result!.stdout).toBe("'3 4\\n5'\n");
    const empty = await run({ code: "import sys; print(repr(sys.stdin.read()))", stdin: null });
    expect(empty.run_result!.stdout).toBe("''\n");
  });

  it("a non-zero exit is Failed with the return code and stderr", async () => {
    const r = await run({ code: "import sys; print('out'); sys.stderr.write('bad'); sys.exit(3)" });
    expect(r.status).toBe("Failed");
    expect(r.message).toBe("");
    expect(r.run_result).toMatchObject({ status: "Finished", return_code: 3, stdout: "out\n", stderr: "bad" });
  });

  it("an uncaught exception is Failed with the traceback", async () => {
    const r = await run({ code: "raise ValueError('nope')" });
    expect(r.status).toBe("Failed");
    expect(r.run_result!.return_code).toBe(1);
    expect(r.run_result!.stderr).toContain("ValueError: nope");
  });

  it("a run past run_timeout is Failed with TimeLimitExceeded and no return code", async () => {
    // The print is the first thing the program does; 4 s leaves a loaded machine time to get there
    // (with 1 s, a slow interpreter start left no output and the test failed by bad luck).
    const r = await run({ code: "import time\nprint('start', flush=True)\ntime.sleep(60)", run_timeout: 4 });
    expect(r.status).toBe("Failed");
    expect(r.run_result).toMatchObject({ status: "TimeLimitExceeded", return_code: null, stdout: "start\n" });
    // Stopped at the limit, not run to the end of its 60 s sleep.
    expect(r.run_result!.execution_time).toBeLessThan(60);
  });

  it("C++: compiles, reads stdin, runs", async () => {
    const code = "#include <iostream>\nint main(){long a,b; std::cin>>a>>b; std::cout<<a+b<<std::endl; return 0;}";
    const r = await run({ code, language: "cpp", stdin: "40 2" });
    expect(r.status).toBe("Success");
    expect(r.compile_result).toMatchObject({ status: "Finished", return_code: 0 });
    expect(r.run_result).toMatchObject({ status: "Finished", return_code: 0, stdout: "42\n" });
  });

  it("a compile error is Failed with compile_result set and run_result null", async () => {
    const r = await run({ code: "int main() { return undefined_name; }", language: "cpp" });
    expect(r.status).toBe("Failed");
    expect(r.compile_result!.status).toBe("Finished");
    expect(r.compile_result!.return_code).not.toBe(0);
    expect(r.compile_result!.stderr).toContain("undefined_name");
    expect(r.run_result).toBeNull();
  });

  it("a compile step past compile_timeout is Failed with a TimeLimitExceeded compile_result", async () => {
    // A template instantiation bomb keeps g++ busy far longer than 0.5 s.
    const code = "template<int N> struct F { enum { v = F<N-1>::v + F<N-2>::v }; };\ntemplate<> struct F<0>{enum{v=0};};\ntemplate<> struct F<1>{enum{v=1};};\n#include <iostream>\n#include <regex>\n#include <map>\nint main(){ std::regex r(\"a+\"); std::map<int,int> m; std::cout << F<40>::v; }";
    const r = await run({ code, language: "cpp", compile_timeout: 0.2 });
    expect(r.status).toBe("Failed");
    expect(r.compile_result!.status).toBe("TimeLimitExceeded");
    expect(r.run_result).toBeNull();
  });

  it.each([
    ["bash", 'read x; echo "bash:$x"', "bash:7\n"],
    ["nodejs", "const s=require('fs').readFileSync(0,'utf8'); console.log('node:'+s)", "node:7\n"],
    ["java", "public class Main { public static void main(String[] a) { System.out.println(\"java:\" + new java.util.Scanner(System.in).next()); } }", "java:7\n"],
    ["perl", "my $x = <STDIN>; print \"perl:$x\\n\";", "perl:7\n"],
    ["sql", "CREATE TABLE t(x INT); INSERT INTO t VALUES (3),(4); SELECT 'sql:' || SUM(x) FROM t;", "sql:7\n"],
  ])("%s runs with stdin", async (language, code, expected) => {
    // Generous timeouts: a JVM start on a loaded 2-core machine takes seconds.
    const r = await run({ code, language, stdin: "7", compile_timeout: 60, run_timeout: 60 });
    expect(r.run_result?.stderr ?? r.compile_result?.stderr).toBe("");
    expect(r.status).toBe("Success");
    expect(r.run_result!.stdout).toBe(expected);
  });

  // One outcome per backend, known before the run: the image ships R; the local backend has it
  // when Rscript is on the host's PATH (.ci/run does not install it).
  const hasR = backend === "docker" || hostLanguages().includes("r");
  it(`R under SandboxFusion's capitalised name ${hasR ? "runs" : "is a SandboxError naming the languages we have"}`, async () => {
    const r = await run({ code: 'cat("r:", 1 + 1, "\\n")', language: "R" });
    if (hasR) {
      expect(r.status).toBe("Success");
      expect(r.run_result!.stdout).toBe("r: 2 \n");
    } else {
      expect(r.status).toBe("SandboxError");
      expect(r.message).toMatch(/Language "R" is not supported.*Supported: python/);
    }
  });

  it("a language we lack is a SandboxError listing the ones we have", async () => {
    const r = await run({ code: "print 1", language: "cobol" });
    expect(r.status).toBe("SandboxError");
    expect(r.message).toMatch(/Language "cobol" is not supported/);
    expect(r.message).toMatch(/Supported: python, bash, nodejs/);
    expect(r.run_result).toBeNull();
  });

  it("files go in as base64 (binary-safe) and fetch_files come back as base64; missing ones are left out", async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const code = [
      "data = open('in/bytes.bin','rb').read()",
      "open('out/rev.bin','wb').write(data[::-1]) if __import__('os').makedirs('out', exist_ok=True) is None else None",
      "print(len(data), open('note.txt').read())",
    ].join("\n");
    const r = await run({
      code,
      files: { "in/bytes.bin": bytes.toString("base64"), "note.txt": Buffer.from("hi").toString("base64"), "skipped.txt": null },
      fetch_files: ["out/rev.bin", "missing.txt", "note.txt"],
    });
    expect(r.status).toBe("Success");
    expect(r.run_result!.stdout).toBe("256 hi\n");
    expect(Object.keys(r.files).sort()).toEqual(["note.txt", "out/rev.bin"]);
    expect(Buffer.from(r.files["out/rev.bin"]!, "base64")).toEqual(Buffer.from([...bytes].reverse()));
  });

  it("memory_limit_MB is enforced: the same allocation fails under 64 MB and succeeds under 1024 MB", async () => {
    const code = "x = bytearray(300 * 1024 * 1024)\nprint('allocated', len(x) // (1024 * 1024))";
    const small = await run({ code, memory_limit_MB: 64 });
    expect(small.status).toBe("Failed");
    expect(small.run_result!.return_code).not.toBe(0);
    expect(small.run_result!.stderr).toContain("MemoryError");
    const big = await run({ code, memory_limit_MB: 1024 });
    expect(big.status).toBe("Success");
    expect(big.run_result!.stdout).toBe("allocated 300\n");
  });

  it("each request gets a fresh working directory: nothing from the previous request is there", async () => {
    const first = await run({ code: "open('left.txt','w').write('x'); import os; print(sorted(os.listdir('.')))" });
    expect(first.run_result!.stdout).toContain("left.txt");
    const second = await run({ code: "import os; print(os.path.exists('left.txt'))" });
    expect(second.run_result!.stdout).toBe("False\n");
  });

  it.runIf(backend === "docker")("a reused container is wiped first: no files, processes or IPC objects from the last request", async () => {
    const dirty = [
      "import os, socket, subprocess",
      "for p in ('/sandbox/left.txt', '/tmp/left', '/dev/shm/left'): open(p, 'w').write('x')",
      "os.makedirs('/tmp/locked/deep'); os.chmod('/tmp/locked', 0)",
      "subprocess.Popen(['sleep', '1000'], start_new_session=True)",
      "subprocess.run(['ipcmk', '-M', '4096'], check=True, capture_output=True)",
      "print(socket.gethostname())",
    ].join("\n");
    const first = await run({ code: dirty });
    expect(first.status).toBe("Success");
    const check = [
      "import os, socket, subprocess",
      "left = [p for p in ('/sandbox/left.txt', '/tmp/left', '/dev/shm/left', '/tmp/locked') if os.path.lexists(p)]",
      "procs = subprocess.run(['pgrep', '-x', 'sleep'], capture_output=True, text=True).stdout.split()",
      "ipc = [l for l in subprocess.run(['ipcs', '-m'], capture_output=True, text=True).stdout.splitlines() if l.startswith('0x')]",
      "print(socket.gethostname(), left, procs, ipc)",
    ].join("\n");
    const second = await run({ code: check });
    expect(second.status).toBe("Success");
    const [host, ...rest] = second.run_result!.stdout!.trim().split(" ");
    // The same container (hostname = container id), and nothing of the first request in it.
    expect(host).toBe(first.run_result!.stdout!.trim());
    expect(rest.join(" ")).toBe("[] [] []");
  });

  it("every call is recorded for the Traffic page", async () => {
    const marker = `traffic-${Date.now()}`;
    await run({ code: `print('${marker}')`, stdin: "in" });
    const rec = recentTraffic().find((t) => t.code?.includes(marker));
    expect(rec).toMatchObject({ api: "sandbox-fusion", route: "/sandbox-fusion/run_code", http_status: 200, outcome: "success", status: "Success", language: "python", stdin: "in", backend });
    expect(rec!.stdout).toBe(`${marker}\n`);
    // The Traffic page's client filter matches the user agent too.
    expect(rec!.user_agent).toBe(USER_AGENT);
  });
});

describe("run_code on overload and bad input (local)", () => {
  beforeAll(async () => {
    process.env.PLAYGROUND_API_BACKEND = "local";
    (await import("@/lib/env")).resetServerEnvForTests();
  });

  it("a request that waits past the queue timeout gets 504 (not 429), and the queue recovers", async () => {
    const q = apiQueue("local");
    const before = q.stats();
    q.configure({ max: 1, timeoutMs: 300 });
    try {
      const slow = post("run_code", { code: "import time; time.sleep(3); print('slow done')" });
      // The slow one holds the only slot (seen, not assumed after a pause).
      await expect.poll(() => q.stats().running, { timeout: 20_000, interval: 20 }).toBe(1);
      const refused = await post("run_code", { code: "print('queued')" });
      expect(refused.status).toBe(504);
      expect(String(refused.json.detail)).toMatch(/queue/);
      expect((refused.json.error as { code: string }).code).toBe("timeout:queue");
      const done = await slow;
      expect(done.status).toBe(200);
      expect((done.json.run_result as Cmd).stdout).toBe("slow done\n");
      const after = await post("run_code", { code: "print('again')" });
      expect(after.status).toBe(200);
      expect(after.json.status).toBe("Success");
      expect(recentTraffic().some((t) => t.http_status === 504 && t.outcome === "rejected")).toBe(true);
    } finally {
      q.configure({ max: before.max, timeoutMs: 60_000 });
    }
  });

  it("requests beyond the concurrency limit queue and all finish", async () => {
    const q = apiQueue("local");
    const before = q.stats();
    q.configure({ max: 2, timeoutMs: 60_000 });
    try {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => post("run_code", { code: `print(${i} * 2)` })));
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(results.map((r) => (r.json.run_result as Cmd).stdout)).toEqual(Array.from({ length: 8 }, (_, i) => `${i * 2}\n`));
    } finally {
      q.configure({ max: before.max });
    }
  });

  it("missing code is 422 naming the field", async () => {
    const r = await post("run_code", { language: "python" });
    expect(r.status).toBe(422);
    expect((r.json.error as { field: string }).field).toBe("code");
    expect(JSON.stringify(r.json.detail)).toContain('"code"');
  });

  it("a wrongly typed field is 422 naming it", async () => {
    const r = await post("run_code", { code: "print(1)", run_timeout: "ten" });
    expect(r.status).toBe(422);
    expect((r.json.error as { field: string; message: string }).field).toBe("run_timeout");
  });

  it("a body that is not JSON is 400", async () => {
    const r = await post("run_code", "{not json", true);
    expect(r.status).toBe(400);
    expect((r.json.error as { code: string }).code).toBe("bad_request:json");
  });

  it("a body over PLAYGROUND_API_MAX_BODY_MB is 413", async () => {
    const r = await post("run_code", { code: "print(1)", stdin: "x".repeat(5 * 1024 * 1024) });
    expect(r.status).toBe(413);
    expect((r.json.error as { code: string }).code).toBe("too_large:body");
  });
});

describe("run_jupyter and ping", () => {
  it("GET /v1/ping answers pong", async () => {
    const res = await fetch(`${srv.url()}/sandbox-fusion/v1/ping`);
    expect(res.status).toBe(200);
    expect(await res.json()).toBe("pong");
  });

  it.each(backends)("runs cells in a fresh kernel on %s: state across cells, display bundles, errors", async (backend) => {
    process.env.PLAYGROUND_API_BACKEND = backend;
    (await import("@/lib/env")).resetServerEnvForTests();
    const r = await post("run_jupyter", {
      cells: ["a = 123", "a", "print(a)", "import sys; sys.stderr.write('err msg')", "raise RuntimeError('boom')", "print('after')"],
      files: { "data.txt": Buffer.from("file data").toString("base64") },
      fetch_files: ["out.txt"],
    });
    expect(r.status).toBe(200);
    const body = r.json as { status: string; cells: { stdout: string; stderr: string; display: Record<string, unknown>[]; error: { ename: string; evalue: string }[] }[]; driver: Cmd };
    expect(body.status).toBe("Success");
    expect(body.driver.status).toBe("Finished");
    expect(body.cells).toHaveLength(6);
    expect(body.cells[1]!.display).toEqual([{ "text/plain": "123" }]);
    expect(body.cells[2]!.stdout).toBe("123\n");
    expect(body.cells[3]!.stderr).toBe("err msg");
    expect(body.cells[4]!.error[0]).toMatchObject({ ename: "RuntimeError", evalue: "boom" });
    expect(body.cells[5]!.stdout).toBe("after\n");
    // A second request has a new kernel: `a` is gone; files and fetch work.
    const again = await post("run_jupyter", { cells: ["print('a' in globals())", "print(open('data.txt').read()); open('out.txt','w').write('o')"], files: { "data.txt": Buffer.from("file data").toString("base64") }, fetch_files: ["out.txt"] });
    const b2 = again.json as { cells: { stdout: string }[]; files: Record<string, string> };
    expect(b2.cells[0]!.stdout).toBe("False\n");
    expect(b2.cells[1]!.stdout).toBe("file data\n");
    expect(b2.files).toEqual({ "out.txt": Buffer.from("o").toString("base64") });
  }, 300_000);

  it("cells past total_timeout make the run Failed with a TimeLimitExceeded driver", async () => {
    process.env.PLAYGROUND_API_BACKEND = "local";
    (await import("@/lib/env")).resetServerEnvForTests();
    const r = await post("run_jupyter", { cells: ["print('first')", "import time; time.sleep(30)", "print('never')"], total_timeout: 2 });
    expect(r.status).toBe(200);
    const body = r.json as { status: string; driver: Cmd; cells: { stdout: string }[] };
    expect(body.status).toBe("Failed");
    expect(body.driver.status).toBe("TimeLimitExceeded");
    expect(body.cells[0]!.stdout).toBe("first\n");
    expect(body.cells.length).toBeLessThan(3);
  }, 300_000);
});
