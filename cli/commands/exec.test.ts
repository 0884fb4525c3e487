import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repo = path.resolve(__dirname, "../..");
const stateDir = mkdtempSync(path.join(os.tmpdir(), "rp-cli-"));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

function runCli(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repo, "bin/rollout-playground.mjs"), ...args], {
      cwd: repo,
      env: { ...process.env, PLAYGROUND_STATE_DIR: stateDir },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("cli exec", () => {
  it("answers one JSON line per input line, in order, sharing one session", async () => {
    const lines = [
      { tool: "file_operation", args: { operation: "write", file_path: "a.txt", content: "shared" } },
      "this is not json",
      { tool: "python_executor", args: { code: "print(open('a.txt').read())" } },
      { nope: true },
      { tool: "shell_executor", args: { command: "echo from-shell" } },
      { tool: "code_interpreter", args: { code: "print(3)" } },
    ];
    const input = lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n";
    const r = await runCli(["exec", "--backend", "local", "--tools", "file_operation,python_executor,shell_executor"], input);
    expect(r.code).toBe(0);
    const out = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(out).toHaveLength(6);
    expect(out[0]).toMatchObject({ tool_name: "file_operation", status: "success" });
    expect(out[1].error).toMatch(/invalid JSON/);
    expect(out[2]).toMatchObject({ status: "success", output: "shared\n" });
    expect(out[3].error).toMatch(/tool/);
    expect(out[4]).toMatchObject({ status: "success", output: "from-shell\n" });
    // Not in --tools: an error result naming the declared tools.
    expect(out[5]).toMatchObject({ status: "error", tool_name: "code_interpreter" });
    expect(out[5].error).toContain("file_operation, python_executor, shell_executor");
    // The session directory is removed at the end.
    expect(readdirSync(path.join(stateDir, "sessions"))).toEqual([]);
  });

  it("rejects an unknown backend with a usage error", async () => {
    const r = await runCli(["exec", "--backend", "nope"], "");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown or unavailable backend/);
  });
});
