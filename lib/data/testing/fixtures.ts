// No "server-only" here: Playwright specs (plain Node, no react-server condition) import this
// file too. The app never does.
import fs from "node:fs";
import path from "node:path";

// Test and benchmark fixtures, generated on demand (nothing big is committed).

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const words = "the we so then value let compute check result number answer sum product square factor prime count total step first next".split(" ");

function filler(rand: () => number, chars: number): string {
  let s = "";
  while (s.length < chars) s += `${words[Math.floor(rand() * words.length)]} `;
  return s.trimEnd();
}

export interface SlimeSampleOptions {
  perGroup?: number;
  /** Characters of extra reasoning text; token ids, mask and logprobs grow with it, as in real dumps. */
  fillerChars?: number;
  /** Every Nth sample records a wrong interpreter output (non-reproducible). */
  mismatchEvery?: number;
}

export const systemPrompt = "You are a helpful assistant. Solve the problem step by step and use the code interpreter.";

export function slimePrompt(question: string): string {
  return `<|im_start|>system\n${systemPrompt}<|im_end|>\n<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n`;
}

/** One slime rollout sample in the ReTool shape: text, <code>, <interpreter>, Answer. */
export function slimeSample(i: number, opts: SlimeSampleOptions = {}): Record<string, unknown> {
  const perGroup = opts.perGroup ?? 4;
  const group = Math.floor(i / perGroup);
  const rand = rng(i * 7919 + 17);
  const a = 10 + (group % 89);
  const b = 3 + (group % 17);
  const question = `Problem ${group}: what is ${a} * ${b} + ${group}?`;
  const correct = a * b + group;
  const mismatch = opts.mismatchEvery ? i % opts.mismatchEvery === opts.mismatchEvery - 1 : false;
  const right = rand() < 0.6;
  const calls = 1 + (i % 3);
  let response = opts.fillerChars ? `${filler(rand, opts.fillerChars)}\n` : "";
  for (let t = 0; t < calls; t++) {
    const code = t === 0 ? `print(${a} * ${b} + ${group})` : `x = ${a} * ${b}\nprint(x + ${group + t - 1})`;
    const expected = t === 0 ? correct : a * b + group + t - 1;
    const shown = mismatch && t === 0 ? expected + 1 : expected;
    // slime runs the <code> content as is, and strips the process output.
    response += `Step ${t + 1}: ${filler(rand, 60)}.\n<code>\n${code}\n</code>`;
    response += `\n\n<interpreter>\nOutput:\n${shown}\n</interpreter>\n\n`;
  }
  const answer = right ? correct : correct + 1 + (i % 5);
  response += `So the result is ${answer}.\n\nAnswer: \\boxed{${answer}}`;
  const statuses = ["completed", "completed", "completed", "truncated", "aborted"];
  const status = statuses[i % statuses.length]!;
  const score = right ? 1 : -1;
  const promptText = slimePrompt(question);
  const promptLen = Math.ceil(promptText.length / 4);
  const respLen = Math.ceil(response.length / 4);
  const tokens: number[] = [];
  for (let k = 0; k < promptLen + respLen; k++) tokens.push(Math.floor(rand() * 150000));
  // Observation tokens (the interpreter blocks) are not trained on.
  const lossMask: number[] = [];
  for (let k = 0; k < respLen; k++) lossMask.push(k % 7 === 3 ? 0 : 1);
  const logprobs: number[] = [];
  for (let k = 0; k < respLen; k++) logprobs.push(lossMask[k] ? -Math.round(rand() * rand() * 400000) / 100000 : 0);
  const sample: Record<string, unknown> = {
    group_index: group,
    index: i,
    prompt: promptText,
    tokens,
    response,
    response_length: respLen,
    label: String(correct),
    reward: i % 2 === 0 ? { score, acc: right, pred: String(answer) } : score,
    loss_mask: lossMask,
    rollout_log_probs: logprobs,
    status,
    tool_call_count: calls,
    metadata: { source: "fixture", mismatch },
  };
  return sample;
}

export function chatSample(i: number): Record<string, unknown> {
  const a = 2 + i;
  return {
    messages: [
      { role: "system", content: systemPrompt },
      { role: "user", content: `Compute ${a} squared.` },
      {
        role: "assistant",
        content: "I'll use Python.",
        tool_calls: [{ id: `call_${i}`, type: "function", function: { name: "code_interpreter", arguments: JSON.stringify({ code: `print(${a}**2)` }) } }],
      },
      { role: "tool", tool_call_id: `call_${i}`, content: `Output:\n${a * a}\n` },
      { role: "assistant", content: `The answer is $${a}^2 = ${a * a}$.\n\nAnswer: \\boxed{${a * a}}` },
    ],
    label: String(a * a),
    source_tag: "chat-fixture",
  };
}

export function verlSample(i: number): Record<string, unknown> {
  const a = 5 + (i % 3);
  return {
    input: `user: What is ${a} + ${a}?\nassistant:`,
    output: `${a} + ${a} = ${2 * a}. Answer: \\boxed{${2 * a}}`,
    gts: String(2 * a),
    score: i % 2 === 0 ? 1.0 : 0.0,
    step: 10,
    acc: i % 2 === 0,
    data_source: "verl-fixture",
  };
}

export function promptLabelSample(i: number): Record<string, unknown> {
  return {
    prompt: [{ role: "user", content: `Solve: ${i} + 1 = ?` }],
    label: String(i + 1),
    metadata: { split: "train" },
  };
}

export function toJsonl(rows: unknown[]): string {
  return rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
}

/** A JSONL file with every kind of defect, plus the 1-based lines where they sit. */
export function badInputFile(): { buf: Buffer; lines: Record<string, number> } {
  const good = (i: number): string => JSON.stringify(slimeSample(i));
  const parts: Buffer[] = [];
  const lines: Record<string, number> = {};
  const add = (b: string | Buffer, name?: string): void => {
    if (name) lines[name] = parts.length + 1;
    parts.push(typeof b === "string" ? Buffer.from(b) : b);
  };
  add(good(0));
  add('{"prompt": "x", "response": "unterminated', "malformed");
  add(good(1));
  // 0xC3 0x28 is not valid UTF-8.
  add(Buffer.concat([Buffer.from('{"prompt": "bad '), Buffer.from([0xc3, 0x28]), Buffer.from(' bytes", "response": "r", "status": "completed", "reward": 1}')]), "badUtf8");
  add(JSON.stringify({ prompt: "types", response: 42, reward: "high", status: "completed", tool_call_count: "many", tokens: "abc" }), "wrongTypes");
  add(JSON.stringify({ prompt: "huge", response: "y".repeat(300_000), status: "completed", reward: 0 }), "huge");
  add("[1, 2, 3]", "notObject");
  add(good(2));
  return { buf: Buffer.concat(parts.flatMap((p) => [p, Buffer.from("\n")])), lines };
}

/** Write `count` slime samples of ~targetBytes each, streaming (used by the benchmark). */
export async function writeBigJsonl(file: string, count: number, targetBytes: number, onProgress?: (done: number) => void): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.partial`;
  // Calibrate the reasoning length once so lines come out near targetBytes.
  const base = JSON.stringify(slimeSample(0)).length;
  const grown = JSON.stringify(slimeSample(0, { fillerChars: 1000 })).length;
  const fillerChars = Math.max(0, Math.round(((targetBytes - base) / (grown - base)) * 1000));
  const fh = await fs.promises.open(tmp, "w");
  try {
    let batch: string[] = [];
    for (let i = 0; i < count; i++) {
      batch.push(JSON.stringify(slimeSample(i, { fillerChars, perGroup: 8, mismatchEvery: 50 })));
      if (batch.length === 1000 || i === count - 1) {
        await fh.write(batch.join("\n") + "\n");
        batch = [];
        onProgress?.(i + 1);
      }
    }
  } finally {
    await fh.close();
  }
  await fs.promises.rename(tmp, file);
}

/** Every small fixture, written into `dir` (used by e2e and for trying the page by hand). */
export function writeFixtureDir(dir: string): Record<string, string> {
  fs.mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {
    "slime-rollout.jsonl": toJsonl(Array.from({ length: 40 }, (_, i) => slimeSample(i, { mismatchEvery: 4 }))),
    "chat-sft.jsonl": toJsonl(Array.from({ length: 6 }, (_, i) => chatSample(i))),
    "verl-dump.json": JSON.stringify(Array.from({ length: 6 }, (_, i) => verlSample(i)), null, 2),
    "dapo-math.jsonl": toJsonl(Array.from({ length: 6 }, (_, i) => promptLabelSample(i))),
  };
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  fs.writeFileSync(path.join(dir, "bad-input.jsonl"), badInputFile().buf);
  return Object.fromEntries(Object.keys({ ...files, "bad-input.jsonl": "" }).map((n) => [n, path.join(dir, n)]));
}
