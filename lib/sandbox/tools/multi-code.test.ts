// multi_code_executor: every language of the sandbox image on the docker backend (real dockerd),
// plus the language table and the local backend's host-based language list.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerBackend } from "../backends/docker";
import { dockerGate } from "../backends/docker-test-gate";
import type { Sandbox } from "../types";
import { hostLanguages, languageSpecs, resolveLanguage } from "./multi-code-languages";

const gate = await dockerGate();

describe("language table", () => {
  it("covers at least python, bash, nodejs, c, cpp and go, and resolves aliases", () => {
    const names = languageSpecs.map((l) => l.name);
    for (const l of ["python", "bash", "nodejs", "c", "cpp", "go"]) expect(names).toContain(l);
    expect(resolveLanguage("C++", names)?.name).toBe("cpp");
    expect(resolveLanguage("javascript", names)?.name).toBe("nodejs");
    expect(resolveLanguage("cobol", names)).toBeUndefined();
    expect(resolveLanguage("go", ["python"])).toBeUndefined();
  });

  it("finds host languages by their binaries", () => {
    // bash is on every machine this runs on; a made-up binary never is.
    expect(hostLanguages()).toContain("bash");
  });
});

/** A program per language that prints 45 (or, for test runners, a passing test and what it prints). */
const programs: Record<string, { code: string; output?: RegExp }> = {
  python: { code: "import sys\nprint(sum(range(10)))" },
  bash: { code: "echo $((40 + 5))" },
  nodejs: { code: "console.log([1,2,3].reduce((a, b) => a + b) * 7.5)" },
  c: { code: '#include <stdio.h>\nint main(void) { printf("%d\\n", 9 * 5); return 0; }' },
  cpp: { code: '#include <iostream>\nint main() { std::cout << 45 << std::endl; }' },
  go: { code: 'package main\nimport "fmt"\nfunc main() { fmt.Println(45) }' },
  rust: { code: 'fn main() { println!("{}", 45); }' },
  java: { code: "public class Main { public static void main(String[] a) { System.out.println(45); } }" },
  lua: { code: "print(45)" },
  ruby: { code: "puts 45" },
  perl: { code: "print 45, \"\\n\";" },
  r: { code: "cat(45, '\\n')" },
  php: { code: "<?php echo 45, PHP_EOL;" },
  typescript: { code: "const n: number = 40 + 5;\nconsole.log(n);" },
  csharp: { code: "class P { static void Main() { System.Console.WriteLine(45); } }" },
  scala: { code: "object Main { def main(a: Array[String]): Unit = println(45) }" },
  // The JVM may add a warning on stderr after the output.
  kotlin_script: { code: "println(40 + 5)", output: /^45\n/ },
  racket: { code: "#lang racket\n(displayln (+ 40 5))" },
  sql: { code: "SELECT 40 + 5;" },
  verilog: { code: 'module tb; initial begin $display("%0d", 40 + 5); $finish; end endmodule', output: /^45\n/ },
  pytest: { code: "def test_sum():\n    assert 40 + 5 == 45", output: /\b1 passed\b/ },
  go_test: { code: 'package main\nimport "testing"\nfunc TestSum(t *testing.T) { if 40+5 != 45 { t.Fatal("sum") } }', output: /^ok\b/m },
  junit: {
    code: "import org.junit.Test;\nimport static org.junit.Assert.assertEquals;\npublic class SumTest { @Test public void sum() { assertEquals(45, 40 + 5); } }",
    output: /1 tests successful/,
  },
  d_ut: { code: "unittest { assert(40 + 5 == 45); }", output: /^1 modules passed unittests$/m },
};

describe.runIf(gate.run)("multi_code_executor on docker", () => {
  let backend: DockerBackend;
  let sb: Sandbox;
  beforeAll(async () => {
    backend = new DockerBackend({ poolSize: 0 });
    sb = await backend.create({ tools_config: { multi_code_executor: {} }, limits: { timeout_s: 120 } });
  });
  afterAll(async () => {
    await backend.shutdown();
    expect(await backend.ownedContainers()).toEqual([]);
  });

  it("runs a program in every language the image declares", async () => {
    const declared = (await backend.availability()).languages ?? [];
    expect(declared.length).toBeGreaterThanOrEqual(6);
    for (const language of declared) {
      const program = programs[language];
      expect(program, `a test program for ${language}`).toBeDefined();
      const r = await sb.executeTool("multi_code_executor", { language, code: program!.code });
      expect({ language, status: r.status, error: r.error }).toEqual({ language, status: "success", error: undefined });
      if (program!.output) expect(r.output, language).toMatch(program!.output);
      else expect(r.output.trim(), language).toBe("45");
    }
  }, 600_000);

  it("keeps compile errors apart from runtime errors", async () => {
    const bad = await sb.executeTool("multi_code_executor", { language: "c", code: "int main(void) { return x; }" });
    expect(bad.status).toBe("error");
    expect(bad.error).toMatch(/^Compilation failed/);
    expect(bad.meta).toMatchObject({ phase: "compile", compile: { status: "error" } });
    expect(String((bad.meta?.compile as { stderr: string }).stderr)).toMatch(/.x. undeclared/);

    const crash = await sb.executeTool("multi_code_executor", { language: "cpp", code: "#include <cstdlib>\nint main() { std::abort(); }" });
    expect(crash.status).toBe("error");
    expect(crash.meta).toMatchObject({ phase: "run", compile: { status: "success" } });
    expect(crash.error).toMatch(/SIGABRT/);

    const exit = await sb.executeTool("multi_code_executor", { language: "go", code: 'package main\nimport "os"\nfunc main() { os.Exit(4) }' });
    expect(exit).toMatchObject({ status: "error", exit_code: 4, meta: { phase: "run" } });
  });

  it("writes extra files, honours run_timeout, and lists languages when one is unsupported", async () => {
    const r = await sb.executeTool("multi_code_executor", {
      language: "python",
      code: "print(open('data/in.txt').read().upper())",
      files: { "data/in.txt": "hello" },
    });
    expect(r.output).toBe("HELLO\n");
    const slow = await sb.executeTool("multi_code_executor", { language: "bash", code: "sleep 30", run_timeout: 1 });
    expect(slow.status).toBe("timeout");
    const nope = await sb.executeTool("multi_code_executor", { language: "cobol", code: "x" });
    expect(nope.status).toBe("error");
    expect(nope.error).toMatch(/not supported.*Supported: python, bash, nodejs, c, cpp, go/);
  });
});
