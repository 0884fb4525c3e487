import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalBackend } from "../backends/local";
import { findPython } from "../python";
import type { Sandbox } from "../types";
import { SLIME_SCRIPT_PATH } from "./code-interpreter";
import { registeredToolNames, toolSpecs } from "./index";

let stateDir: string;
let backend: LocalBackend;
let sb: Sandbox;

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-tools-"));
  process.env.PLAYGROUND_STATE_DIR = stateDir;
  backend = new LocalBackend();
  sb = await backend.create({ limits: { timeout_s: 5 } });
});
afterAll(async () => {
  await backend.shutdown();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("tool registry", () => {
  it("names the declared tools when a tool is undeclared or unknown", async () => {
    const only = await backend.create({ tools_config: { python_executor: {}, made_up_tool: {} } });
    try {
      const r = await only.executeTool("shell_executor", { command: "echo hi" });
      expect(r).toMatchObject({ status: "error", tool_name: "shell_executor" });
      expect(r.error).toContain("Declared tools: python_executor, made_up_tool");
      const u = await only.executeTool("made_up_tool", {});
      expect(u.status).toBe("error");
      expect(u.error).toContain("unknown");
    } finally {
      await only.close();
    }
  });

  it("returns the zod message for invalid arguments", async () => {
    const r = await sb.executeTool("python_executor", { code: 42 });
    expect(r.status).toBe("error");
    expect(r.error).toMatch(/Invalid arguments for python_executor/);
    expect(r.error).toMatch(/code/);
    const f = await sb.executeTool("file_operation", { operation: "write", file_path: "x" });
    expect(f.error).toMatch(/content is required/);
  });

  it("holds only the tools a model may call (the service APIs' own work is not a tool)", async () => {
    await import("@/lib/service/sandbox-fusion/run");
    expect(registeredToolNames().sort()).toEqual(["code_interpreter", "file_operation", "multi_code_executor", "notebook_executor", "python_executor", "shell_executor"]);
  });

  it("gives trusted code the runtime itself, and refuses it once the sandbox is closed", async () => {
    const own = await backend.create({ tools_config: {} });
    const out = await own.useRuntime((runtime) => runtime.run({ argv: ["sh", "-c", "echo $((6*7))"], limits: own.config.limits }));
    expect(out.stdout).toBe("42\n");
    await own.close();
    await expect(own.useRuntime(async () => 1)).rejects.toThrow(/closed/);
  });

  it("describes tools as OpenAI function specs", () => {
    const [spec] = toolSpecs(["code_interpreter"]);
    expect(spec?.function.name).toBe("code_interpreter");
    expect(spec?.function.parameters).toMatchObject({ type: "object", required: ["code"] });
  });
});

describe("python_executor", () => {
  it("runs a fresh process per call (stateless) in /sandbox", async () => {
    const a = await sb.executeTool("python_executor", { code: "import os\nx = 1\nprint(os.getcwd())" });
    expect(a).toMatchObject({ status: "success", exit_code: 0, output: "/sandbox\n", isolated: true });
    const b = await sb.executeTool("python_executor", { code: "print(x)" });
    expect(b.status).toBe("error");
    expect(b.stderr).toContain("NameError");
    expect(b.exit_code).toBe(1);
  });

  it("honours a lower timeout argument", async () => {
    const r = await sb.executeTool("python_executor", { code: "import time\ntime.sleep(30)", timeout: 1 });
    expect(r.status).toBe("timeout");
    expect(r.error).toContain("1 s");
  });

  it("runs programs larger than one exec argument", async () => {
    const code = `s = ${JSON.stringify("y".repeat(200 * 1024))}\nprint(len(s))`;
    const r = await sb.executeTool("python_executor", { code });
    expect(r).toMatchObject({ status: "success", output: "204800\n" });
  });

  it("blocks code by policy and says which rule", async () => {
    const strict = await backend.create({ policy: { allowed_modules: ["math"], blocked_patterns: ["open\\s*\\("] } });
    try {
      const r = await strict.executeTool("python_executor", { code: "import socket" });
      expect(r.status).toBe("error");
      expect(r.error).toContain("allowed_modules");
      expect(r.error).toContain("socket");
      const p = await strict.executeTool("python_executor", { code: "open('x')" });
      expect(p.error).toContain("blocked_patterns[0]");
      const ok = await strict.executeTool("python_executor", { code: "import math\nprint(math.floor(2.5))" });
      expect(ok).toMatchObject({ status: "success", output: "2\n" });
    } finally {
      await strict.close();
    }
  });
});

describe("shell_executor", () => {
  it("runs bash, string or list of commands, with exit codes", async () => {
    const r = await sb.executeTool("shell_executor", { command: ["echo one", "echo two >&2", "exit 3"] });
    expect(r).toMatchObject({ status: "error", exit_code: 3, stdout: "one\n", stderr: "two\n" });
    const s = await sb.executeTool("shell_executor", { command: "echo $((6*7))" });
    expect(s).toMatchObject({ status: "success", output: "42\n" });
  });
});

describe("file_operation", () => {
  it("creates, reads, lists, tests and deletes inside the session", async () => {
    const w = await sb.executeTool("file_operation", { operation: "create", file_path: "/sandbox/dir/a.txt", content: "héllo" });
    expect(w.status).toBe("success");
    const again = await sb.executeTool("file_operation", { operation: "create", file_path: "dir/a.txt", content: "x" });
    expect(again.status).toBe("error");
    // The sandboxed process sees (and can change) what the server wrote.
    const sh = await sb.executeTool("shell_executor", { command: "cat dir/a.txt && echo ' world' >> dir/a.txt" });
    expect(sh).toMatchObject({ status: "success", output: "héllo" });
    const r = await sb.executeTool("file_operation", { operation: "read", file_path: "dir/a.txt" });
    expect(r.output).toBe("héllo world\n");
    const b64 = await sb.executeTool("file_operation", { operation: "read", file_path: "dir/a.txt", encoding: "base64" });
    expect(Buffer.from(b64.output, "base64").toString()).toBe("héllo world\n");
    const l = await sb.executeTool("file_operation", { operation: "list", file_path: "dir" });
    expect(l.meta?.entries).toEqual([{ name: "a.txt", type: "file", size: Buffer.byteLength("héllo world\n") }]);
    expect((await sb.executeTool("file_operation", { operation: "exists", file_path: "dir/a.txt" })).output).toBe("true");
    expect((await sb.executeTool("file_operation", { operation: "delete", file_path: "dir/a.txt" })).status).toBe("success");
    expect((await sb.executeTool("file_operation", { operation: "exists", file_path: "dir/a.txt" })).output).toBe("false");
  });

  it("writes binary content from base64", async () => {
    const data = Buffer.from([0, 255, 1, 254]);
    await sb.executeTool("file_operation", { operation: "write", file_path: "bin.dat", content: data.toString("base64"), encoding: "base64" });
    const r = await sb.executeTool("python_executor", { code: "print(list(open('bin.dat','rb').read()))" });
    expect(r.output).toBe("[0, 255, 1, 254]\n");
  });

  it("rejects .., outside absolute paths and symlinks made by the sandbox pointing out", async () => {
    const dotdot = await sb.executeTool("file_operation", { operation: "read", file_path: "../../package.json" });
    expect(dotdot).toMatchObject({ status: "error" });
    expect(dotdot.error).toContain("..");
    const abs = await sb.executeTool("file_operation", { operation: "read", file_path: "/etc/hostname" });
    expect(abs.error).toContain("outside");
    // The sandboxed code plants symlinks; the server must not follow them.
    await sb.executeTool("shell_executor", { command: "ln -s /etc/passwd evil && ln -s / rootlink" });
    for (const file_path of ["evil", "rootlink/etc/passwd"]) {
      const r = await sb.executeTool("file_operation", { operation: "read", file_path });
      expect(r.status).toBe("error");
      expect(r.error).toMatch(/symlink/);
      expect(r.output).not.toContain("root:");
    }
    const w = await sb.executeTool("file_operation", { operation: "write", file_path: "rootlink/tmp/pwned", content: "x" });
    expect(w.status).toBe("error");
  });
});

describe("code_interpreter (slime ReTool text)", () => {
  const run = (code: string) => sb.executeTool("code_interpreter", { code });

  it("success: Output: plus stdout, stripped", async () => {
    const r = await run("print(1+1)\nprint('x')");
    expect(r).toMatchObject({ status: "success", output: "Output:\n2\nx" });
  });

  it("stderr appended as Errors:", async () => {
    const r = await run("import sys\nprint('out')\nprint('warn', file=sys.stderr)");
    expect(r.output).toBe("Output:\nout\n\nErrors:\nwarn");
    const only = await run("import sys\nsys.stderr.write('e only\\n')");
    expect(only.output).toBe("Errors:\ne only");
  });

  it("no output gives an empty string", async () => {
    expect((await run("x = 1")).output).toBe("");
  });

  it("exception: Error: str(e), traceback with slime's line numbers, earlier stdout dropped", async () => {
    const r = await run("print('before')\nraise ValueError('bad value')");
    expect(r.status).toBe("error");
    expect(r.output).toBe(
      `Error: bad value\nTraceback:\nTraceback (most recent call last):\n  File "${SLIME_SCRIPT_PATH}", line 23, in <module>\n    raise ValueError('bad value')\nValueError: bad value`,
    );
  });

  it("timeout text", async () => {
    const quick = await backend.create({ limits: { timeout_s: 1 } });
    try {
      const r = await quick.executeTool("code_interpreter", { code: "while True: pass" });
      expect(r).toMatchObject({ status: "timeout", output: "Error: Code execution timed out after 1 seconds" });
    } finally {
      await quick.close();
    }
  });

  it("empty code and SystemExit / SyntaxError map like slime", async () => {
    expect((await run("  \n\t")).output).toBe("Error: No code provided");
    const exit = await run("import sys\nsys.exit(3)");
    expect(exit.output).toBe("Error: Process exited with code 3\n");
    const syn = await run("print(");
    expect(syn.output).toMatch(new RegExp(`^Error: Process exited with code 1\\n  File "${SLIME_SCRIPT_PATH}", line 22\\n`));
    expect(syn.output).toContain("SyntaxError");
  });

  it("blocked by policy gives slime's message", async () => {
    const strict = await backend.create({ policy: { allowed_modules: ["math"], blocked_patterns: [] } });
    try {
      const r = await strict.executeTool("code_interpreter", { code: "import os" });
      expect(r.output).toBe("Error: Import of 'os' is not allowed");
    } finally {
      await strict.close();
    }
  });

  // Cross-check against slime's own code interpreter: fixtures/slime_execute_code.py does what
  // slime's PythonSandbox.execute_code does (its wrapper written to code.py in a fresh temp dir,
  // run as a script, the result mapped as slime maps it), independently of our TypeScript. Only
  // the temp directory differs: slime's is random, ours is fixed.
  it("answers exactly what slime's code interpreter answers", async () => {
    const py = findPython();
    if (!py.ok) throw new Error(py.error.message);
    const timeout = 5;
    const cases = [
      "print('a')\nimport sys\nprint('b', file=sys.stderr)",
      "def f(x):\n    return 1/x\nprint(f(2))\nf(0)",
      "print('before')\nraise ValueError('bad value')",
      "s = '''multi\nline'''\nprint(s)",
      "import sys\nsys.exit(0)",
      "import sys\nsys.exit(3)",
      "import sys\nsys.exit('bye')",
      "raise KeyboardInterrupt",
      "for i in range(3):\nprint(i)",
      "print('unclosed'",
      "print('  padded  \\n\\n')",
      "import sys\nsys.stderr.write('only stderr\\n')",
      "print('\\u00e9\\u4e2d\\U0001F600')",
      "x = 1",
      "   \n\t",
      "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
      "while True: pass",
    ];
    // Both local paths: the session's fork server (the default) and a bwrap spawn per run.
    const spawnBackend = new LocalBackend({ forkServer: false });
    const spawned = await spawnBackend.create({ limits: { timeout_s: timeout } });
    try {
      for (const code of cases) {
        const slime = JSON.parse(
          execFileSync(py.value.executable, [path.join(__dirname, "fixtures/slime_execute_code.py")], {
            input: JSON.stringify({ code, timeout }),
            encoding: "utf8",
          }),
        ) as { result: string; script: string | null };
        const expected = slime.script ? slime.result.replaceAll(slime.script, SLIME_SCRIPT_PATH) : slime.result;
        const ours = await sb.executeTool("code_interpreter", { code });
        expect(ours.output, JSON.stringify(code)).toBe(expected);
        const viaSpawn = await spawned.executeTool("code_interpreter", { code });
        expect(viaSpawn.output, `spawn path: ${JSON.stringify(code)}`).toBe(expected);
      }
    } finally {
      await spawnBackend.shutdown();
    }
  }, 120_000);
});

describe("python lookup", () => {
  it("resolves the real interpreter, not a shim", () => {
    const py = findPython();
    expect(py.ok).toBe(true);
    if (py.ok) {
      const head = execFileSync("head", ["-c", "4", py.value.executable]);
      expect(head.subarray(1, 4).toString()).toBe("ELF");
    }
  });
});
