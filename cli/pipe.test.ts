// Every command that writes lines must hand its last line to a piped stdout before the process
// exits, however slowly the reader drains the pipe (`cli read x.pt | slow-consumer`).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "..");
const N = 10_001;
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-pipe-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `cli ARGS < input | slow-consumer`; resolves with the CLI's exit code and what the consumer got. */
function pipeThroughSlowReader(args: string[], input: string, expectedLines: number): Promise<{ code: number; lines: string[]; stderr: string }> {
  const inFile = path.join(dir, `in-${args[0]}.jsonl`);
  const outFile = path.join(dir, `out-${args[0]}.jsonl`);
  fs.writeFileSync(inFile, input);
  const cli = [process.execPath, "--import", "tsx", "--conditions=react-server", "cli/main.ts", ...args].map((a) => `'${a}'`).join(" ");
  const script = `${cli} < '${inFile}' | '${process.execPath}' cli/testing/slow-consumer.mjs '${outFile}' ${expectedLines}; exit \${PIPESTATUS[0]}`;
  return new Promise((resolve, reject) => {
    const p = spawn("bash", ["-c", script], { cwd: root, env: { ...process.env, PLAYGROUND_STATE_DIR: dir, PLAYGROUND_MODEL_BACKEND: "replay" } });
    let stderr = "";
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => {
      const text = fs.readFileSync(outFile, "utf8");
      resolve({ code: code ?? -1, lines: text === "" ? [] : text.replace(/\n$/, "").split("\n"), stderr });
    });
  });
}
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
const times = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));

describe("the CLI into a slow pipe: nothing is lost at exit", () => {
  it("read", async () => {
    const file = path.join(dir, "rows.jsonl");
    fs.writeFileSync(file, jsonl(times(N, (i) => ({ prompt: `p${i}`, response: "r".repeat(20), reward: i, status: "completed" }))));
    const r = await pipeThroughSlowReader(["read", file], "", N);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toHaveLength(N);
    expect(JSON.parse(r.lines[N - 1]!)).toMatchObject({ row: N - 1, reward: N - 1 });
  });

  it("parse", async () => {
    const r = await pipeThroughSlowReader(["parse"], jsonl(times(N, (i) => ({ text: `step ${i} ${"t".repeat(50)}` }))), N);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toHaveLength(N);
    expect(JSON.parse(r.lines[N - 1]!).trimmed).toContain(`step ${N - 1} `);
  });

  it("trajectory", async () => {
    const session = (i: number) => ({
      turns: [{ prompt_messages: [{ role: "user", content: `q${i}` }], response_message: null, prompt_ids: [1, 2, 3], output_ids: [4, i], finish_reason: "stop" }],
      base_sample: { index: i },
    });
    const r = await pipeThroughSlowReader(["trajectory"], jsonl(times(N, session)), N);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toHaveLength(N);
    expect(JSON.parse(r.lines[N - 1]!).samples[0]).toMatchObject({ index: N - 1, tokens: [1, 2, 3, 4, N - 1], loss_mask: [1, 1] });
  });

  it("render", async () => {
    const r = await pipeThroughSlowReader(["render"], jsonl(times(N, (i) => ({ prompt: `question ${i}` }))), N);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toHaveLength(N);
    expect(JSON.parse(r.lines[N - 1]!).text).toContain(`question ${N - 1}<|im_end|>`);
  });

  it("score", async () => {
    const r = await pipeThroughSlowReader(["score", "--rm", "retool"], jsonl(times(N, (i) => ({ response: `Answer: \\boxed{${i}}`, label: String(i) }))), N);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toHaveLength(N);
    expect(JSON.parse(r.lines[N - 1]!)).toEqual({ score: 1, acc: true, pred: String(N - 1) });
  });

  it("rollout", async () => {
    // Most lines are answered without a rollout (bad input); the last ones are replayed and scored.
    const rows: unknown[] = times(N, () => ({ prompt: 1 }));
    rows.push(...times(3, (i) => ({ prompt: `q${i}`, label: String(i), response: `Answer: \\boxed{${i}}` })));
    const r = await pipeThroughSlowReader(["rollout", "--rm", "retool"], jsonl(rows), N + 3);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toHaveLength(N + 3);
    expect(JSON.parse(r.lines[N - 1]!).error).toMatch(/bad input/);
    expect(JSON.parse(r.lines[N + 2]!)).toMatchObject({ label: "2", reward: 1, status: "completed" });
  });

  it("exec", async () => {
    // Two real runs, then lines answered without a run (a tool not declared): the last writes come
    // quickly, as the lines of a big batch do.
    const rows: unknown[] = [
      { tool: "python_executor", args: { code: "for i in range(2000): print('line', i)" } },
      { tool: "shell_executor", args: { command: "echo done" } },
      ...times(N, (i) => ({ tool: "code_interpreter", args: { code: String(i) } })),
    ];
    const r = await pipeThroughSlowReader(["exec", "--backend", "local", "--tools", "python_executor,shell_executor"], jsonl(rows), N + 2);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toHaveLength(N + 2);
    expect(JSON.parse(r.lines[0]!).output).toContain("line 1999\n");
    expect(JSON.parse(r.lines[1]!)).toMatchObject({ status: "success", output: "done\n" });
    expect(JSON.parse(r.lines[N + 1]!)).toMatchObject({ tool_name: "code_interpreter", status: "error" });
  });

  it("stops quietly when the reader goes away (| head)", async () => {
    const input = path.join(dir, "head-in.jsonl");
    fs.writeFileSync(input, jsonl(times(N, (i) => ({ text: `step ${i} ${"t".repeat(50)}` }))));
    const cli = `'${process.execPath}' --import tsx --conditions=react-server cli/main.ts parse < '${input}'`;
    const r = spawnSync("bash", ["-c", `${cli} | head -1; exit \${PIPESTATUS[0]}`], { cwd: root, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).trimmed).toContain("step 0 ");
  });
});
