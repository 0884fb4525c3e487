// Runs the real CLI process: JSON Lines in, one JSON line out per input line, in order.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
function cli(args: string[], lines: unknown[]): unknown[] {
  const r = spawnSync(path.join(root, "node_modules/.bin/tsx"), ["--conditions=react-server", "cli/main.ts", ...args], {
    cwd: root,
    input: lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n",
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown);
}

describe("CLI parse / render / score", () => {
  it("parse", () => {
    const out = cli(["parse"], [
      { text: 'x <tool_call>{"name": "code_interpreter", "arguments": {"code": "print(1)"}}</tool_call> y' },
      { text: "nothing" },
      "not json",
      { wrong: 1 },
    ]);
    expect(out[0]).toEqual({
      action: "code",
      content: "print(1)",
      trimmed: 'x <tool_call>{"name": "code_interpreter", "arguments": {"code": "print(1)"}}</tool_call>',
    });
    expect(out[1]).toEqual({ action: null, content: "", trimmed: "nothing" });
    expect(out[2]).toHaveProperty("error");
    expect(out[3]).toHaveProperty("error");
  });

  it("render: absent and null fields mean slime's defaults", () => {
    const [a, b] = cli(["render"], [{ prompt: "hi" }, { prompt: "hi", system: null, tools: null, messages: null }]) as { text: string }[];
    expect(a).toEqual(b);
    expect(a!.text).toMatch(/^<\|im_start\|>systemYou are a helpful assistant that can use Python tools/);
    expect(a!.text.endsWith("<|im_start|>userhi<|im_end|>\n<|im_start|>assistant")).toBe(true);
  });

  it("score --rm retool / dapo, errors where slime raises", () => {
    expect(cli(["score", "--rm", "retool"], [{ prompt: "Q", response: "Answer: \\boxed{4}", label: "4" }, { response: "no", label: "4", tool_call_count: 4 }])).toEqual([
      { score: 1, acc: true, pred: "4" },
      { score: -0.9, acc: false, pred: "" },
    ]);
    const [err] = cli(["score", "--rm", "dapo"], [{ response: "Answer: x", label: "not a number" }]) as { error: string }[];
    expect(err!.error).toMatch(/^ValueError: could not convert string to float/);
  });
});
