// What a Chat session is configured with. Isomorphic: the settings form and the
// server parse the same schema. Never holds an API key.
import { z } from "zod";
import { backendNameSchema } from "@/lib/sandbox/types";
import { modelEndpointSchema, samplingParamsSchema } from "./models/types";
import { DEFAULT_REPLAY_SAMPLE_ID, findReplaySample } from "./samples";

export const chatRewardTypes = [
  "retool",
  "dapo",
  "math",
  "deepscaler",
  "f1",
  "remote_rm",
  "boxed_dapo",
  "boxed_math",
  "boxed_deepscaler",
  "boxed_f1",
  "none",
] as const;
export const chatRewardTypeSchema = z.enum(chatRewardTypes);
export type ChatRewardType = z.infer<typeof chatRewardTypeSchema>;

export const chatSettingsSchema = z.object({
  prompt: z.string().max(200_000).default(""),
  label: z.string().max(20_000).default(""),
  /** Empty: slime's default system prompt. */
  system: z.string().max(50_000).default(""),
  /**
   * The prompt exactly as a recorded sample has it (already templated, e.g. opened from a slime
   * dump whose template differs from ours). When set, the rollout starts from it verbatim instead of
   * rendering Problem and System with slime's ReTool template. Empty: render as usual.
   */
  prompt_text: z.string().max(400_000).default(""),
  endpoint: modelEndpointSchema.default(() => modelEndpointSchema.parse({})),
  sampling: samplingParamsSchema.default(() => samplingParamsSchema.parse({})),
  max_turns: z.number().int().min(1).max(256).default(16),
  max_tool_calls: z.number().int().min(0).max(256).default(16),
  max_context_len: z.number().int().min(64).max(10_000_000).default(32768),
  reward_type: chatRewardTypeSchema.default("retool"),
  rm_url: z.string().max(2000).default(""),
  sandbox: backendNameSchema.default("local"),
  /** Directory with tokenizer.json on the server; empty: PLAYGROUND_TOKENIZER_DIR or estimates. */
  tokenizer_dir: z.string().max(2000).default(""),
});
export type ChatSettings = z.infer<typeof chatSettingsSchema>;
export type ChatSettingsInput = z.input<typeof chatSettingsSchema>;

/** A fresh session: replay the default shipped sample, no server needed. */
export function defaultChatSettings(overrides: Partial<ChatSettings> = {}): ChatSettings {
  const sample = findReplaySample(DEFAULT_REPLAY_SAMPLE_ID)!;
  return chatSettingsSchema.parse({
    prompt: sample.prompt,
    label: sample.label,
    endpoint: { kind: "replay", replay_sample: sample.id },
    ...overrides,
  });
}
