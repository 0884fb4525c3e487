import { randomBytes } from "node:crypto";
import { z } from "zod";
import { serverEnv } from "@/lib/env";
import { collectRollout } from "@/lib/rollout/loop";
import { splitAssistantTurns } from "@/lib/rollout/codec";
import { modelBackendKindSchema, modelEndpointSchema, samplingParamsSchema } from "@/lib/rollout/models/types";
import { DEFAULT_REPLAY_SAMPLE_ID, findReplaySample } from "@/lib/rollout/samples";
import { createModel, rewarder, sandboxToolRunner } from "@/lib/rollout/setup";
import { resolveTokenizer } from "@/lib/rollout/tokens";
import { closeSession } from "@/lib/sandbox/sessions";
import { backendNameSchema } from "@/lib/sandbox/types";
import { runJsonLines } from "../jsonl";
import type { CliCommand } from "../types";

/**
 * rollout [--backend replay|sglang|openai-completions|openai-chat] [--url U] [--model M]
 *         [--sandbox local|docker] [--rm TYPE|none] [--rm-url U] [--tokenizer-dir D]
 *         [--max-turns N] [--max-tool-calls N] [--max-context-len N]
 *         [--temperature T] [--top-p P] [--top-k K] [--max-new-tokens N] [--timeout S] [--sample ID]
 * in  {"prompt", "label"?}  (replay also takes "response" or "assistant_turns" to replay)
 * out a slime-like sample: {prompt, response, label, reward, status, tool_call_count, tokens?, loss_mask?, rollout_log_probs?, ...}
 * Defaults come from the PLAYGROUND_MODEL_* variables; keys only from PLAYGROUND_MODEL_API_KEY.
 */
const lineSchema = z.object({
  prompt: z.string(),
  label: z.union([z.string(), z.number()]).nullish(),
  response: z.string().optional(),
  assistant_turns: z.array(z.string()).optional(),
});

const str = (v: string | boolean | undefined) => (typeof v === "string" ? v : undefined);
function numOpt(values: Record<string, string | boolean | undefined>, name: string): number | undefined {
  const v = str(values[name]);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
  return n;
}

export const rolloutCommand: CliCommand = {
  options: {
    backend: { type: "string" },
    url: { type: "string" },
    model: { type: "string" },
    sandbox: { type: "string" },
    rm: { type: "string" },
    "rm-url": { type: "string" },
    "tokenizer-dir": { type: "string" },
    "max-turns": { type: "string" },
    "max-tool-calls": { type: "string" },
    "max-context-len": { type: "string" },
    temperature: { type: "string" },
    "top-p": { type: "string" },
    "top-k": { type: "string" },
    "max-new-tokens": { type: "string" },
    timeout: { type: "string" },
    sample: { type: "string" },
  },
  async run(values) {
    const env = serverEnv();
    const kind = modelBackendKindSchema.parse(str(values.backend) ?? env.PLAYGROUND_MODEL_BACKEND);
    const endpoint = modelEndpointSchema.parse({
      kind,
      url: str(values.url) ?? env.PLAYGROUND_MODEL_URL,
      model: str(values.model) ?? env.PLAYGROUND_MODEL_NAME,
      timeout_s: numOpt(values, "timeout") ?? env.PLAYGROUND_MODEL_TIMEOUT_S,
      replay_sample: str(values.sample) ?? DEFAULT_REPLAY_SAMPLE_ID,
    });
    const sandbox = backendNameSchema.parse(str(values.sandbox) ?? "local");
    const rm = str(values.rm) ?? "retool";
    const rmUrl = str(values["rm-url"]);
    const sampling = samplingParamsSchema.parse({
      ...(numOpt(values, "temperature") !== undefined ? { temperature: numOpt(values, "temperature") } : {}),
      ...(numOpt(values, "top-p") !== undefined ? { top_p: numOpt(values, "top-p") } : {}),
      ...(numOpt(values, "top-k") !== undefined ? { top_k: numOpt(values, "top-k") } : {}),
      ...(numOpt(values, "max-new-tokens") !== undefined ? { max_new_tokens: numOpt(values, "max-new-tokens") } : {}),
    });
    const { tokenizer, warning } = await resolveTokenizer(str(values["tokenizer-dir"]) ?? env.PLAYGROUND_TOKENIZER_DIR);
    if (warning) process.stderr.write(`${warning}\n`);
    const sessionId = `cli-rollout-${randomBytes(6).toString("hex")}`;
    if (kind === "replay" && !findReplaySample(endpoint.replay_sample))
      throw new Error(`no shipped sample "${endpoint.replay_sample}"`);

    try {
      await runJsonLines(async (value, lineNo) => {
        const parsed = lineSchema.safeParse(value);
        if (!parsed.success) throw new Error(`bad input: ${z.prettifyError(parsed.error)}`);
        const line = parsed.data;
        const replayTurns =
          line.assistant_turns ?? (line.response !== undefined ? splitAssistantTurns(line.response) : undefined);
        const setup = createModel(endpoint, {
          ...(env.PLAYGROUND_MODEL_API_KEY ? { apiKey: env.PLAYGROUND_MODEL_API_KEY } : {}),
          ...(kind === "replay" && replayTurns ? { replay: { turns: replayTurns, name: `line ${lineNo}` } } : {}),
        });
        if (!setup.ok) throw new Error(setup.error.message);
        const { sample } = await collectRollout(
          {
            prompt: line.prompt,
            label: line.label === null || line.label === undefined ? "" : String(line.label),
            sampling,
            max_turns: numOpt(values, "max-turns") ?? 16,
            max_tool_calls: numOpt(values, "max-tool-calls") ?? 16,
            max_context_len: numOpt(values, "max-context-len") ?? env.PLAYGROUND_MAX_CONTEXT_LEN,
          },
          {
            model: setup.value,
            tools: sandboxToolRunner({ sessionId, backend: sandbox }),
            tokenizer,
            ...(rm !== "none" ? { reward: rewarder(rm, rmUrl ? { rmUrl } : {}) } : {}),
          },
        );
        return sample;
      });
    } finally {
      await closeSession(sessionId);
    }
    return 0;
  },
};
