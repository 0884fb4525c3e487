import fs from "node:fs";
import path from "node:path";
import { badInputFile, chatSample, slimePrompt, toJsonl, writeBigJsonl } from "../../lib/data/testing/fixtures";

// Unkind data for the Inspect specs, written into the server's data dir (PLAYGROUND_DATA_DIR,
// default .data/datasets) under a directory of its own per spec, which the spec removes after.

export const dataRoot = path.resolve(process.env.PLAYGROUND_DATA_DIR ?? ".data/datasets");

export class InspectData {
  readonly dir: string;
  // One directory per Playwright worker: with --repeat-each two workers run the same spec, and one
  // worker's afterAll must not delete the files the other is still reading.
  constructor(name: string) {
    this.dir = `${name}-w${process.env.TEST_WORKER_INDEX ?? "0"}`;
  }

  private abs(name: string): string {
    return path.join(dataRoot, this.dir, name);
  }

  /** A 2 MB response with no spaces, a 300 kB code cell, a 5,000-character label, then a normal row. */
  writeDegenerate(): string {
    const blob = "x".repeat(2_000_000);
    const rows = [
      { prompt: slimePrompt("Problem 0: say x"), response: blob, label: "7".repeat(5000), reward: -1, status: "truncated", group_index: 0, index: 0 },
      {
        prompt: slimePrompt("Problem 0: say x"),
        response: `Let me run it.\n<code>\nprint("${"y".repeat(300_000)}")\n</code>\n\n<interpreter>\nOutput:\n${"y".repeat(300_000)}\n</interpreter>\n\nAnswer: \\boxed{${"9".repeat(50_000)}}`,
        label: "1",
        reward: -1,
        status: "completed",
        group_index: 0,
        index: 1,
      },
      { prompt: slimePrompt("Problem 0: say x"), response: "Answer: \\boxed{1}", label: "1", reward: 1, status: "completed", group_index: 0, index: 2 },
    ];
    fs.mkdirSync(path.dirname(this.abs("x")), { recursive: true });
    fs.writeFileSync(this.abs("degenerate.jsonl"), toJsonl(rows));
    return `${this.dir}/degenerate.jsonl`;
  }

  /** 3,000 slime samples in groups of 8 (every 50th records a wrong interpreter output). */
  async writeRollout3000(): Promise<string> {
    if (!fs.existsSync(this.abs("rollout-3000.jsonl"))) await writeBigJsonl(this.abs("rollout-3000.jsonl"), 3000, 2500);
    return `${this.dir}/rollout-3000.jsonl`;
  }

  /**
   * 500 chat SFT rows whose tool messages hold only the printed text (no "Output:" wrapper), as many
   * SFT sets do. Every 10th row answers without a code cell; every 50th has no label.
   */
  writeSft500(): string {
    const rows = Array.from({ length: 500 }, (_, i) => {
      const r = chatSample(i) as { messages: { role: string; content: string }[]; label?: string };
      const a = 2 + i;
      r.messages[3]!.content = String(a * a);
      if (i % 10 === 5) r.messages = [r.messages[0]!, r.messages[1]!, { role: "assistant", content: `${a} squared is ${a * a}.\n\nAnswer: \\boxed{${a * a}}` }];
      if (i % 50 === 0) delete r.label;
      return r;
    });
    fs.mkdirSync(path.dirname(this.abs("x")), { recursive: true });
    fs.writeFileSync(this.abs("sft-500.jsonl"), toJsonl(rows));
    return `${this.dir}/sft-500.jsonl`;
  }

  /** 500 chat rows with neither labels nor rewards. */
  writeNoLabels(): string {
    const rows = Array.from({ length: 500 }, (_, i) => {
      const r = chatSample(i) as Record<string, unknown>;
      delete r.label;
      return r;
    });
    fs.mkdirSync(path.dirname(this.abs("x")), { recursive: true });
    fs.writeFileSync(this.abs("no-labels.jsonl"), toJsonl(rows));
    return `${this.dir}/no-labels.jsonl`;
  }

  /** Row 0: a wrong answer. Row 1: right, after a tool error. Row 2: no answer at all. */
  writeVerdicts(): string {
    const p = slimePrompt("Problem 0: what is 6 * 7?");
    const traceback = "Traceback (most recent call last):\n  File \"/tmp/python_sandbox/code.py\", line 22\nZeroDivisionError: division by zero";
    const rows = [
      { prompt: p, response: "<code>\nprint(6 * 7)\n</code>\n\n<interpreter>\nOutput:\n42\n</interpreter>\n\nAnswer: \\boxed{41}", label: "42", reward: { score: -1, acc: false, pred: "41" }, status: "completed", index: 0, group_index: 0 },
      { prompt: p, response: `<code>\nprint(6 / 0)\n</code>\n\n<interpreter>\nError: division by zero\n${traceback}\n</interpreter>\n\n<code>\nprint(6 * 7)\n</code>\n\n<interpreter>\nOutput:\n42\n</interpreter>\n\nAnswer: \\boxed{42}`, label: "42", reward: { score: 1, acc: true, pred: "42" }, status: "completed", index: 1, group_index: 0 },
      { prompt: p, response: "I think it is about forty.", label: "42", reward: -1, status: "truncated", index: 2, group_index: 0 },
    ];
    fs.mkdirSync(path.dirname(this.abs("x")), { recursive: true });
    fs.writeFileSync(this.abs("verdicts.jsonl"), toJsonl(rows));
    return `${this.dir}/verdicts.jsonl`;
  }

  writeMalformed(): string {
    fs.mkdirSync(path.dirname(this.abs("x")), { recursive: true });
    fs.writeFileSync(this.abs("malformed.jsonl"), badInputFile().buf);
    return this.abs("malformed.jsonl");
  }

  removeAll(): void {
    fs.rmSync(path.join(dataRoot, this.dir), { recursive: true, force: true });
  }
}
