// The agent proxy's sessions as the Agents page and /agent/sessions see them. Isomorphic (zod + types).
import { z } from "zod";
import { rewardSchema } from "@/lib/agent/trajectory/schema";

const templateToolCallSchema = z.object({
  type: z.literal("function"),
  function: z.object({ name: z.string(), arguments: z.record(z.string(), z.unknown()) }),
});
export const templateMessageSchema = z.object({
  role: z.string(),
  content: z.string(),
  reasoning_content: z.string().optional(),
  tool_calls: z.array(templateToolCallSchema).optional(),
});

/** One recorded turn: the trajectory CLI's turn shape plus what a person needs to read it. */
export const agentTurnSchema = z.object({
  index: z.number().int(),
  time: z.number(),
  api: z.enum(["openai", "anthropic"]),
  stream: z.boolean(),
  prompt_messages: z.array(templateMessageSchema),
  response_message: templateMessageSchema.nullable(),
  tools: z.array(z.object({ type: z.literal("function"), function: z.object({ name: z.string(), description: z.string(), parameters: z.unknown() }) })).nullable(),
  prompt_ids: z.array(z.number().int()),
  output_ids: z.array(z.number().int()),
  output_log_probs: z.array(z.number()),
  finish_reason: z.string(),
  ill_formed: z.boolean(),
  ill_formed_reason: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()),
  /** The chat-template kwargs the caller asked for (e.g. `enable_thinking: false`), when any. */
  chat_template_kwargs: z.record(z.string(), z.unknown()).optional(),
  /** The decoded output, special tokens kept. */
  raw_output: z.string(),
  /** false: an OpenAI upstream answered; the ids are our re-tokenization and there are no logprobs. */
  tokens_exact: z.boolean(),
  duration_ms: z.number(),
  upstream_ms: z.number(),
});
export type AgentTurn = z.infer<typeof agentTurnSchema>;

export const agentSessionStates = ["live", "finished", "dropped"] as const;
export type AgentSessionState = (typeof agentSessionStates)[number];

export const agentSessionSummarySchema = z.object({
  sid: z.string(),
  state: z.enum(agentSessionStates),
  created: z.number(),
  updated: z.number(),
  version: z.number().int(),
  turns: z.number().int(),
  /** Turn requests answered (any outcome), the count slime's turn cap uses. */
  requests: z.number().int(),
  inflight: z.number().int(),
  errors: z.number().int(),
  last_error: z.string().optional(),
  apis: z.array(z.enum(["openai", "anthropic"])),
  prompt_tokens: z.number().int(),
  output_tokens: z.number().int(),
  ill_formed: z.number().int(),
});
export type AgentSessionSummary = z.infer<typeof agentSessionSummarySchema>;

/** POST /agent/sessions/{sid}/finish body. */
export const finishBodySchema = z.object({
  /** slime's reward: a float, or a dict of named rewards. */
  reward: rewardSchema.default(0),
  base_sample: z
    .object({
      index: z.number().int().nullish(),
      group_index: z.number().int().nullish(),
      rollout_id: z.number().int().nullish(),
      prompt: z.unknown().optional(),
      label: z.unknown().optional(),
    })
    .loose()
    .default({}),
  extra_metadata: z.record(z.string(), z.unknown()).default({}),
});
export type FinishBody = z.infer<typeof finishBodySchema>;
