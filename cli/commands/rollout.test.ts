// Runs the real CLI process against a real fake model server and the local sandbox.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeModelServer, type FakeModelServer } from "@/e2e/fixtures/fake-model-server";
import { loadTokenizer } from "@/lib/rollout/tokens";
import { writeTinyTokenizer } from "@/lib/rollout/testing/tiny-tokenizer";

const root = path.resolve(__dirname, "../..");
let server: FakeModelServer;
let tokDir: string;

beforeAll(async () => {
  tokDir = await writeTinyTokenizer(await mkdtemp(path.join(os.tmpdir(), "cli-tok-")));
  const t = await loadTokenizer(tokDir);
  if (!t.ok) throw new Error(t.error.message);
  server = await startFakeModelServer({ tokenizer: { encode: t.value.encode!, decode: t.value.decode! } });
});
afterAll(async () => {
  await server.close();
  await rm(tokDir, { recursive: true, force: true });
});

function cli(args: string[], lines: unknown[]): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    // async spawn: the fake server lives in this process and must keep answering.
    const p = spawn(path.join(root, "node_modules/.bin/tsx"), ["--conditions=react-server", "cli/main.ts", ...args], {
      cwd: root,
      env: { ...process.env, PLAYGROUND_MODEL_BACKEND: "replay" },
    });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("error", reject);
    p.on("close", (code) => {
      if (code !== 0) reject(new Error(`exit ${code}: ${err}`));
      else resolve(out.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>));
    });
    p.stdin.end(lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n");
  });
}

describe("CLI rollout", () => {
  it("replays the default sample with no model server (one line out per line in, errors in place)", async () => {
    const out = await cli(["rollout"], [{ prompt: "What is the sum of the squares of the first 20 positive integers?", label: "2870" }, "nope"]);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ status: "completed", reward: 1, tool_call_count: 1, label: "2870" });
    expect(out[0]!.response).toContain("<interpreter>\nOutput:\n2870\n</interpreter>");
    expect(out[1]).toHaveProperty("error");
  });

  it("runs against SGLang with a tokenizer: tokens, loss_mask and rollout_log_probs line up", async () => {
    const out = await cli(["rollout", "--backend", "sglang", "--url", server.url, "--tokenizer-dir", tokDir], [
      { prompt: "What is 6 times 7?", label: "42" },
      { prompt: "What is 6 times 7?", label: "41" },
    ]);
    const [a, b] = out as { reward: number; status: string; tokens: number[]; loss_mask: number[]; rollout_log_probs: number[]; response_length: number }[];
    expect(a!.reward).toBe(1);
    expect(b!.reward).toBeCloseTo(-1.05, 10);
    expect(a!.loss_mask).toHaveLength(a!.response_length);
    expect(a!.rollout_log_probs).toHaveLength(a!.response_length);
    expect(a!.tokens.length).toBeGreaterThan(a!.response_length);
  });

  it("reports an unreachable model server as a failed sample, not a crash", async () => {
    const [s] = await cli(["rollout", "--backend", "sglang", "--url", "http://127.0.0.1:9"], [{ prompt: "hi" }]);
    expect(s).toMatchObject({ status: "aborted", reward: null, metadata: { error: { code: "unavailable:model" } } });
  });
});
