// Wire shapes of the trajectory: a recorded turn, the base sample, and the Samples slime trains on.
// Isomorphic (no server-only): the Agents page and Inspect parse the same shapes.
import { z } from "zod";

/** A chat message as the adapter recorded it (OpenAI shape after translation). Routed by Python `==`. */
export const chatMessageSchema = z.record(z.string(), z.json());
export type ChatMessage = z.infer<typeof chatMessageSchema>;

const tokenId = z.int();

/** One SGLang `/generate` snapshot (slime's `TurnRecord`). */
export const turnRecordSchema = z.object({
  prompt_ids: z.array(tokenId),
  output_ids: z.array(tokenId),
  finish_reason: z.string(),
  output_log_probs: z.array(z.number()).default([]),
  ill_formed: z.boolean().default(false),
});
export type TurnRecord = Readonly<z.infer<typeof turnRecordSchema>>;

/** One `record_turn` call: the snapshot plus the messages that route it. */
export const recordedTurnSchema = turnRecordSchema.extend({
  prompt_messages: z.array(chatMessageSchema),
  response_message: chatMessageSchema.nullable().default(null),
  metadata: z.record(z.string(), z.json()).nullable().default(null),
});
export type RecordedTurn = z.infer<typeof recordedTurnSchema>;

/** The fields of slime's `Sample` that `get_trajectory` copies from the base sample (its defaults). */
export const baseSampleSchema = z.strictObject({
  index: z.int().nullable().default(null),
  group_index: z.int().nullable().default(null),
  rollout_id: z.int().nullable().default(null),
  prompt: z.union([z.string(), z.array(chatMessageSchema)]).default(""),
  label: z.json().default(null),
});
export type BaseSample = z.infer<typeof baseSampleSchema>;

/** slime's reward: a float, or a dict of named rewards. */
export const rewardSchema = z.union([z.number(), z.record(z.string(), z.json())]).nullable();
export type Reward = z.infer<typeof rewardSchema>;

/** One session for the CLI: the turns in record order and the `get_trajectory` arguments. */
export const trajectorySessionSchema = z.strictObject({
  /** A label for people (fixtures name their cases); ignored. */
  name: z.string().optional(),
  turns: z.array(recordedTurnSchema),
  base_sample: baseSampleSchema.default(() => baseSampleSchema.parse({})),
  reward: rewardSchema.default(0),
  extra_metadata: z.record(z.string(), z.json()).nullable().default(null),
  max_sample_tokens: z.int().default(0),
  fork_threshold_tokens: z.int().nullable().default(null),
});
export type TrajectorySession = z.infer<typeof trajectorySessionSchema>;

export const sampleStatuses = ["pending", "completed", "truncated", "aborted", "failed"] as const;

/** A Sample as `get_trajectory` returns it (the fields the manager sets, `status` lowercase). */
export const trajectorySampleSchema = z.object({
  index: z.int().nullable(),
  group_index: z.int().nullable(),
  rollout_id: z.int().nullable(),
  prompt: z.union([z.string(), z.array(chatMessageSchema)]),
  label: z.json(),
  tokens: z.array(tokenId),
  response_length: z.int(),
  loss_mask: z.array(z.int()),
  rollout_log_probs: z.array(z.number()),
  reward: rewardSchema,
  status: z.enum(sampleStatuses),
  metadata: z.record(z.string(), z.json()),
});
export type TrajectorySample = z.infer<typeof trajectorySampleSchema>;
