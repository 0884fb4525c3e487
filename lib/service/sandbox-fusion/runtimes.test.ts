// SandboxFusion's runtimes as its users' code expects them (issue 16), over HTTP on the Docker
// backend and the real sandbox image (skipped without Docker, required under CI): the libraries and
// test frameworks SandboxFusion's image ships, assertions that are live, TypeScript run as tsx runs
// it, fetch_files by absolute path, and compile outputs reused only for identical inputs.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-sf-rt-"));
process.env.PLAYGROUND_STATE_DIR = stateDir;
process.env.PLAYGROUND_TRAFFIC_LOG = "memory";
process.env.PLAYGROUND_API_BACKEND = "docker";

const { dockerGate } = await import("@/lib/sandbox/backends/docker-test-gate");
const gate = await dockerGate();
const { serveSandboxFusionForTests } = await import("./testing/serve-for-tests");
const { compileCacheStats } = await import("@/lib/sandbox/tools/compile-cache");

const srv = serveSandboxFusionForTests(stateDir);

interface Step {
  status: string;
  return_code: number | null;
  stdout: string | null;
  stderr: string | null;
}
interface Resp {
  status: string;
  message: string;
  compile_result: Step | null;
  run_result: Step | null;
  files: Record<string, string>;
}

async function runCode(language: string, code: string, extra: Record<string, unknown> = {}): Promise<Resp> {
  // JVM and Mono compilers on a busy 2-core machine are slow: generous timeouts.
  const res = await fetch(`${srv.url()}/sandbox-fusion/run_code`, {
    method: "POST",
    body: JSON.stringify({ language, code, compile_timeout: 120, run_timeout: 120, ...extra }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Resp;
}

/** The response's parts a failure message needs, for one readable expectation. */
const seen = (r: Resp) => ({ status: r.status, compile: r.compile_result?.stderr ?? "", stdout: r.run_result?.stdout ?? "", stderr: r.run_result?.stderr ?? "" });

const T = 300_000;

describe.skipIf(!gate.run)("SandboxFusion runtimes on the sandbox image", () => {
  describe("C#", () => {
    it("has the SDK's implicit usings (no `using System;`)", async () => {
      const r = await runCode("csharp", "class P {\n  static void Main() {\n    var xs = new List<int> { 3, 1, 2 };\n    Console.WriteLine(string.Join(\",\", xs.OrderBy(x => x)));\n    File.WriteAllText(\"o.txt\", \"ok\");\n  }\n}\n");
      expect(seen(r)).toMatchObject({ status: "Success", stdout: "1,2,3\n" });
    }, T);

    it("Debug.Assert is live: a false one fails the run, true ones pass (MultiPL-E's tests)", async () => {
      const program = (cond: string) =>
        `using System;\nusing System.Numerics;\nusing System.Diagnostics;\nusing System.Collections.Generic;\nusing System.Linq;\nusing System.Text;\nusing System.Security.Cryptography;\nclass Problem {\n    public static long Add(long a, long b) { return a + b; }\n    public static void Main(string[] args) {\n    Debug.Assert(Add(1, 2) == ${cond});\n    Console.WriteLine(BigInteger.Pow(2, 70));\n    }\n}\n`;
      const ok = await runCode("csharp", program("3"));
      expect(seen(ok)).toMatchObject({ status: "Success", stdout: "1180591620717411303424\n" });
      const bad = await runCode("csharp", program("4"));
      expect(seen(bad)).toMatchObject({ status: "Failed", stdout: "" });
      expect(bad.run_result!.return_code).toBe(134);
      expect(bad.run_result!.stderr).toMatch(/Assertion failed/);
    }, T);

    it("compile errors point at the program's own lines", async () => {
      const r = await runCode("csharp", "// a comment\nclass P {\n  static void Main() {\n    int x = \"no\";\n  }\n}\n");
      expect(r.status).toBe("Failed");
      expect(r.compile_result!.stderr ?? r.compile_result!.stdout).toMatch(/main\.cs\(4,/);
    }, T);
  });

  describe("Java", () => {
    it("runs with -ea: a failing assert fails the run", async () => {
      const r = await runCode("java", "public class Main { public static void main(String[] a) { System.out.println(\"before\"); assert 1 + 1 == 3 : \"math\"; } }");
      expect(seen(r)).toMatchObject({ status: "Failed", stdout: "before\n" });
      expect(r.run_result!.stderr).toMatch(/AssertionError: math/);
    }, T);

    it("has javatuples on the classpath", async () => {
      const r = await runCode("java", "import org.javatuples.Pair;\npublic class Main { public static void main(String[] a) { Pair<Integer, String> p = Pair.with(1, \"one\"); System.out.println(p.getValue0() + p.getValue1()); } }");
      expect(seen(r)).toMatchObject({ status: "Success", stdout: "1one\n" });
    }, T);

    it("JUnit 5 tests compile and run: a passing test is Success, a failing one Failed", async () => {
      const test = (want: number) =>
        `import org.junit.jupiter.api.Test;\nimport static org.junit.jupiter.api.Assertions.assertEquals;\npublic class SumTest {\n  @Test\n  void adds() { assertEquals(${want}, 1 + 1); }\n}\n`;
      const ok = await runCode("junit", test(2));
      expect(seen(ok)).toMatchObject({ status: "Success" });
      expect(ok.run_result!.stdout).toMatch(/1 tests successful/);
      const bad = await runCode("junit", test(3));
      expect(bad.status).toBe("Failed");
      expect(bad.run_result!.stdout).toMatch(/1 tests failed/);
    }, T);

    it("JUnit 4 tests still run (the vintage engine)", async () => {
      const r = await runCode("junit", "import org.junit.Test;\nimport static org.junit.Assert.*;\npublic class OldTest { @Test public void adds() { assertEquals(2, 1 + 1); } }\n");
      expect(seen(r)).toMatchObject({ status: "Success" });
      expect(r.run_result!.stdout).toMatch(/1 tests successful/);
    }, T);
  });

  it("Go: tests that import testify build and decide the status", async () => {
    const test = (want: number) => `package main\nimport (\n  "testing"\n  "github.com/stretchr/testify/assert"\n)\nfunc TestAdd(t *testing.T) { assert.Equal(t, ${want}, 1+1) }\n`;
    const ok = await runCode("go_test", test(2));
    expect(seen(ok)).toMatchObject({ status: "Success" });
    expect(ok.run_result!.stdout).toMatch(/^ok/m);
    const bad = await runCode("go_test", test(3));
    expect(bad.status).toBe("Failed");
    expect(bad.run_result!.stdout).toMatch(/Not equal/);
  }, T);

  it("Lua: luaunit", async () => {
    const test = (want: number) => `local lu = require('luaunit')\nfunction test_add() lu.assertEquals(1 + 1, ${want}) end\nos.exit(lu.LuaUnit.run())\n`;
    const ok = await runCode("lua", test(2));
    expect(seen(ok)).toMatchObject({ status: "Success" });
    expect(ok.run_result!.stdout).toMatch(/OK/);
    expect((await runCode("lua", test(3))).status).toBe("Failed");
  }, T);

  it("Perl: Test::Deep and Data::Compare", async () => {
    const r = await runCode(
      "perl",
      "use strict; use warnings;\nuse Test::Deep qw(eq_deeply);\nuse Data::Compare;\nprint eq_deeply([1, {a => 2}], [1, {a => 2}]) ? \"deep\\n\" : \"differ\\n\";\nprint Compare({x => [1, 2]}, {x => [1, 2]}) ? \"same\\n\" : \"not\\n\";\nprint Compare([1], [2]) ? \"same\\n\" : \"not\\n\";\n",
    );
    expect(seen(r)).toMatchObject({ status: "Success", stdout: "deep\nsame\nnot\n" });
  }, T);

  it("Node: lodash", async () => {
    const r = await runCode("nodejs", "const _ = require('lodash');\nconsole.log(JSON.stringify(_.chunk([1, 2, 3, 4, 5], 2)));");
    expect(seen(r)).toMatchObject({ status: "Success", stdout: "[[1,2],[3,4],[5]]\n" });
  }, T);

  describe("TypeScript (tsx semantics)", () => {
    it("`import assert from \"assert\"` is the module (ES module interop); lodash imports; types are stripped, not checked", async () => {
      const code = [
        'import assert from "assert";',
        'import _ from "lodash";',
        'import { helper } from "./util";',
        "const n: number = _.sum([1, 2, 3]);",
        "assert.strictEqual(n, 6);",
        "assert.deepStrictEqual(_.uniq([1, 1, 2]), [1, 2]);",
        'const wrong: number = "not checked" as unknown as number;',
        "console.log(n, helper(2), typeof wrong, require.main === module);",
      ].join("\n");
      const util = Buffer.from("export function helper(x: number): number { return x * 10; }\n").toString("base64");
      const r = await runCode("typescript", code, { files: { "util.ts": util } });
      expect(seen(r)).toMatchObject({ status: "Success", stdout: "6 20 string true\n" });
    }, T);

    it("a failing assert fails the run, with the TypeScript line in the stack", async () => {
      const r = await runCode("typescript", 'import assert from "assert";\n\nfunction f(x: number): number { return x + 1; }\nassert.strictEqual(f(1), 3);\n');
      expect(r.status).toBe("Failed");
      expect(r.run_result!.stderr).toMatch(/AssertionError/);
      expect(r.run_result!.stderr).toMatch(/main\.ts:4/);
    }, T);

    it("a syntax error is reported and fails the run", async () => {
      const r = await runCode("typescript", "const x: number = ;\n");
      expect(r.status).toBe("Failed");
      expect(r.run_result!.stderr).toMatch(/main\.ts/);
    }, T);
  });

  it("Python: the packages SandboxFusion's runtime ships", async () => {
    const r = await runCode(
      "python",
      [
        "import requests, numpy, pandas, sympy, scipy, sklearn, statsmodels, networkx, bs4, lxml, PIL, openpyxl, flask, django, yaml, nltk, cryptography, Cryptodome, sortedcontainers, seaborn, tabulate, psutil, pydantic",
        "from sortedcontainers import SortedList",
        "from bs4 import BeautifulSoup",
        "print(requests.__name__, int(numpy.arange(4).sum()), pandas.DataFrame({'a': [1, 2]})['a'].sum(), sympy.factorint(12), list(SortedList([3, 1, 2])), BeautifulSoup('<b>x</b>', 'lxml').b.text)",
      ].join("\n"),
    );
    expect(seen(r)).toMatchObject({ status: "Success", stdout: "requests 6 3 {2: 2, 3: 1} [1, 2, 3] x\n" });
  }, T);

  it("C++: OpenSSL links as SandboxFusion links it (-lcrypto -lssl)", async () => {
    const r = await runCode("cpp", '#include <openssl/md5.h>\n#include <cstdio>\n#include <cstring>\nint main() { unsigned char d[16]; const char* s = "Hello world"; MD5((const unsigned char*)s, strlen(s), d); for (int i = 0; i < 16; i++) printf("%02x", d[i]); printf("\\n"); }');
    expect(seen(r)).toMatchObject({ status: "Success", stdout: "3e25960a79dbc69b674cd4ec67a72c62\n" });
  }, T);

  it("fetch_files returns files by absolute path inside the sandbox (/mnt, /tmp) as SandboxFusion does, keyed as asked", async () => {
    const r = await runCode("python", "open('/mnt/b', 'w').write('from mnt')\nopen('/tmp/t.txt', 'w').write('from tmp')\nopen('rel.txt', 'w').write('rel')\nprint('ok')", {
      fetch_files: ["/mnt/b", "/tmp/t.txt", "/sandbox/rel.txt", "rel.txt", "/mnt/missing"],
    });
    expect(seen(r)).toMatchObject({ status: "Success", stdout: "ok\n" });
    const text = Object.fromEntries(Object.entries(r.files).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));
    expect(text).toEqual({ "/mnt/b": "from mnt", "/tmp/t.txt": "from tmp", "/sandbox/rel.txt": "rel", "rel.txt": "rel" });
  }, T);

  it("fetch_files by absolute path stays in the sandbox's storage: a symlink out of /mnt comes back empty-handed", async () => {
    const r = await runCode("python", "import os\nos.symlink('/etc/passwd', '/mnt/pw')\nos.symlink('/etc', '/tmp/etc')\nprint('linked')", { fetch_files: ["/mnt/pw", "/tmp/etc/passwd"] });
    expect(seen(r)).toMatchObject({ status: "Success", stdout: "linked\n" });
    expect(r.files).toEqual({});
  }, T);

  it("a compile is reused only for identical inputs: same program, other stdin -> no recompile and the right output; changed source -> recompiled", async () => {
    const program = (greeting: string) => `#include <iostream>\nint main() { int x; std::cin >> x; std::cout << "${greeting} " << x * 2 << std::endl; }`;
    const tag = `cache-${process.pid}-${Date.now()}`;
    const before = compileCacheStats();
    const first = await runCode("cpp", program(tag), { stdin: "1" });
    expect(seen(first)).toMatchObject({ status: "Success", stdout: `${tag} 2\n` });
    const afterFirst = compileCacheStats();
    expect(afterFirst.misses).toBe(before.misses + 1);

    const second = await runCode("cpp", program(tag), { stdin: "21" });
    expect(seen(second)).toMatchObject({ status: "Success", stdout: `${tag} 42\n` });
    expect(second.compile_result).toMatchObject({ status: "Finished", return_code: 0 });
    const afterSecond = compileCacheStats();
    expect(afterSecond.hits).toBe(afterFirst.hits + 1);

    const changed = await runCode("cpp", program(`${tag}-changed`), { stdin: "5" });
    expect(seen(changed)).toMatchObject({ status: "Success", stdout: `${tag}-changed 10\n` });
    expect(compileCacheStats().misses).toBe(afterSecond.misses + 1);

    // Another request file is another input, even with the same source.
    const withFile = await runCode("cpp", program(tag), { stdin: "3", files: { "extra.txt": Buffer.from("x").toString("base64") } });
    expect(seen(withFile)).toMatchObject({ status: "Success", stdout: `${tag} 6\n` });
    expect(compileCacheStats().misses).toBe(afterSecond.misses + 2);
  }, T);

  it("a cached compile error is replayed with the compiler's message", async () => {
    const code = `int main() { return undefined_${process.pid}; }`;
    const a = await runCode("c", code);
    const b = await runCode("c", code);
    for (const r of [a, b]) {
      expect(r.status).toBe("Failed");
      expect(r.compile_result!.stderr).toMatch(new RegExp(`undefined_${process.pid}`));
      expect(r.run_result).toBeNull();
    }
  }, T);
});
