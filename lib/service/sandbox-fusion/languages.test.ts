// Every SandboxFusion language name the sandbox image declares, over HTTP on the Docker backend
// (skipped without Docker, required under CI): a program that reads stdin and prints, and for the
// test-runner modes (pytest, go_test, junit, D_ut) one passing and one failing test.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-sf-lang-"));
process.env.PLAYGROUND_STATE_DIR = stateDir;
process.env.PLAYGROUND_TRAFFIC_LOG = "memory";
process.env.PLAYGROUND_API_BACKEND = "docker";

const { dockerGate } = await import("@/lib/sandbox/backends/docker-test-gate");
const gate = await dockerGate();
const { serveSandboxFusionForTests } = await import("./testing/serve-for-tests");

const srv = serveSandboxFusionForTests(stateDir);

interface Resp {
  status: string;
  message: string;
  compile_result: { status: string; return_code: number | null; stderr: string | null } | null;
  run_result: { status: string; return_code: number | null; stdout: string | null; stderr: string | null } | null;
}

async function runCode(language: string, code: string, stdin = "7"): Promise<Resp> {
  // JVM compilers on a busy 2-core machine are slow: generous timeouts.
  const res = await fetch(`${srv.url()}/sandbox-fusion/run_code`, {
    method: "POST",
    body: JSON.stringify({ language, code, stdin, compile_timeout: 120, run_timeout: 120 }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Resp;
}

/** [SandboxFusion name, program that prints "<tag>:<stdin>"]. */
const programs: [string, string][] = [
  ["python", "print('py:' + input())"],
  ["bash", 'read x; echo "sh:$x"'],
  ["nodejs", "console.log('js:' + require('fs').readFileSync(0, 'utf8').trim())"],
  ["typescript", "const s: string = require('fs').readFileSync(0, 'utf8').trim();\nconsole.log(`ts:${s}`);"],
  ["cpp", "#include <iostream>\nint main(){ int x; std::cin >> x; std::cout << \"cpp:\" << x << std::endl; }"],
  ["go", 'package main\nimport "fmt"\nfunc main() { var x int; fmt.Scan(&x); fmt.Printf("go:%d\\n", x) }'],
  ["java", 'import java.util.*;\npublic class Main { public static void main(String[] a) { System.out.println("java:" + new Scanner(System.in).nextInt()); } }'],
  ["rust", 'use std::io::Read;\nfn main() { let mut s = String::new(); std::io::stdin().read_to_string(&mut s).unwrap(); println!("rs:{}", s.trim()); }'],
  ["lua", 'print("lua:" .. io.read("*l"))'],
  ["ruby", 'puts "rb:#{gets.strip}"'],
  ["perl", 'my $x = <STDIN>; chomp $x; print "pl:$x\\n";'],
  ["R", 'x <- readLines(file("stdin"), n = 1)\ncat(paste0("r:", x), "\\n", sep = "")'],
  ["php", '$x = trim(fgets(STDIN));\necho "php:$x\\n";'],
  ["csharp", 'using System;\nclass P { static void Main() { Console.WriteLine("cs:" + Console.ReadLine().Trim()); } }'],
  ["scala", 'object Main { def main(args: Array[String]): Unit = { println("scala:" + scala.io.StdIn.readLine().trim) } }'],
  ["kotlin_script", 'println("kts:" + readLine()!!.trim())'],
  // With unittest blocks D runs only the tests (druntime's test-or-main), as SandboxFusion's dmd -unittest does.
  ["D_ut", 'import std.stdio, std.string;\nvoid main() { writeln("d:", readln().strip()); }'],
  ["racket", '#lang racket\n(displayln (string-append "rkt:" (read-line)))'],
  ["verilog", 'module tb;\n  initial begin\n    $display("v:7");\n    $finish;\n  end\nendmodule'],
  ["sql", "CREATE TABLE t(x TEXT); INSERT INTO t VALUES ('sql:7'); SELECT x FROM t;"],
];
const prefix = (code: string) => code.match(/"([a-z]+):/)?.[1] ?? code.match(/'([a-z]+):/)?.[1] ?? code.match(/`([a-z]+):/)?.[1];

describe.skipIf(!gate.run)("SandboxFusion languages on Docker", () => {
  it.each(programs)("%s reads stdin and prints", async (language, code) => {
    const r = await runCode(language, code);
    expect({ status: r.status, message: r.message, compile: r.compile_result?.stderr ?? "", stderr: r.run_result?.stderr ?? "" }).toMatchObject({ status: "Success" });
    expect(r.run_result!.stdout).toBe(`${prefix(code)}:7\n`);
  }, 300_000);

  it.each([
    ["pytest", "def test_ok():\n    assert 1 + 1 == 2\n", "def test_bad():\n    assert 1 + 1 == 3\n", /1 passed/],
    ["go_test", 'package main\nimport "testing"\nfunc TestOk(t *testing.T) { if 1+1 != 2 { t.Fatal("math") } }', 'package main\nimport "testing"\nfunc TestBad(t *testing.T) { t.Fatal("bad") }', /^ok/m],
    [
      "junit",
      "import org.junit.Test;\nimport static org.junit.Assert.*;\npublic class SumTest { @Test public void adds() { assertEquals(2, 1 + 1); } }",
      "import org.junit.Test;\nimport static org.junit.Assert.*;\npublic class SumTest { @Test public void adds() { assertEquals(3, 1 + 1); } }",
      /1 tests successful/,
    ],
    ["D_ut", "unittest { assert(1 + 1 == 2); }", "unittest { assert(1 + 1 == 3); }", /^$/],
  ])("%s: a passing test is Success, a failing one is Failed", async (language, pass, fail, out) => {
    const ok = await runCode(language, pass, "");
    expect({ status: ok.status, compile: ok.compile_result?.stderr ?? "", stderr: ok.run_result?.stderr ?? "" }).toMatchObject({ status: "Success" });
    expect(ok.run_result!.stdout).toMatch(out);
    const bad = await runCode(language, fail, "");
    expect(bad.status).toBe("Failed");
    expect(bad.run_result!.return_code).not.toBe(0);
  }, 300_000);

  it("at least 20 SandboxFusion language names are served", async () => {
    const { backendLanguages } = await import("@/lib/service/core/execute");
    const { toSandboxFusionName } = await import("./wire");
    const names = (await backendLanguages("docker")).map(toSandboxFusionName);
    const sandboxFusion = ["python", "cpp", "nodejs", "go", "go_test", "java", "php", "csharp", "bash", "typescript", "sql", "rust", "cuda", "lua", "R", "perl", "D_ut", "ruby", "scala", "julia", "pytest", "junit", "kotlin_script", "jest", "verilog", "python_gpu", "lean", "swift", "racket"];
    const served = sandboxFusion.filter((n) => names.includes(n));
    expect(served.length).toBeGreaterThanOrEqual(20);
  });
});
