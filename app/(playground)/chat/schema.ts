import { z } from "zod";
import type { Result } from "@/lib/result";
import type { TokenPiece } from "@/components/tokens/pieces";
import { chatRunIdSchema, chatSessionIdSchema } from "@/lib/rollout/chat-session-schema";
import { modelEndpointSchema } from "@/lib/rollout/models/types";
import { chatSettingsSchema } from "@/lib/rollout/settings";

// Inputs of the Chat page's server actions (non-streaming operations).

export const saveSettingsSchema = z.object({ session_id: chatSessionIdSchema, settings: chatSettingsSchema });
export type SaveSettingsInput = z.input<typeof saveSettingsSchema>;

/** null clears the session key (the env key, if any, applies again). */
export const setApiKeySchema = z.object({ session_id: chatSessionIdSchema, api_key: z.string().max(4096).nullable() });
export type SetApiKeyInput = z.infer<typeof setApiKeySchema>;

export const listModelsSchema = z.object({ session_id: chatSessionIdSchema, endpoint: modelEndpointSchema });
export type ListModelsInput = z.input<typeof listModelsSchema>;

export const tokenViewSchema = z.object({ session_id: chatSessionIdSchema, run_id: chatRunIdSchema });
export type TokenViewInput = z.infer<typeof tokenViewSchema>;

export const handoffSchema = z.object({
  prompt: z.string().max(200_000),
  label: z.string().max(20_000).nullable(),
  system: z.string().max(50_000).nullable(),
  /** The recorded, already templated prompt (a slime dump's `prompt`). */
  prompt_text: z.string().max(400_000).nullable().default(null),
  assistant: z.string().max(5_000_000).nullable(),
  /** The turn picked in Inspect: recorded turns up to it are kept, the backend continues after it. */
  turn: z.number().int().min(0).nullable().default(null),
  source: z.string().max(2000),
});
export type HandoffInput = z.input<typeof handoffSchema>;

export const chatPageParamsSchema = z.object({
  session: chatSessionIdSchema.optional().catch(undefined),
  run: chatRunIdSchema.optional().catch(undefined),
  /** Hand-off from Inspect ("Open in Chat"). */
  prompt: z.string().max(200_000).optional(),
  label: z.string().max(20_000).optional(),
  system: z.string().max(50_000).optional(),
  assistant: z.string().max(500_000).optional(),
  turn: z.coerce.number().int().min(0).optional().catch(undefined),
  inspect: z.string().max(500).optional(),
  inspect_file: z.string().max(2000).optional(),
  /** Start from a shipped sample. */
  sample: z.string().max(200).optional(),
});
export type ChatPageParams = z.infer<typeof chatPageParamsSchema>;

/** Server actions answer with the one Result shape; the failure is an AppErrorData. */
export type ActionResult<T> = Result<T>;

export interface TokenView {
  exact: boolean;
  source: string;
  /** One entry per token (prompt first); text is the token's decoding, or a text span when estimated. */
  tokens: TokenPiece[];
  prompt_count: number;
}

/** One prompt rendered two ways, for the Raw view. */
export interface PromptTemplates {
  retool: { label: string; text: string; token_count: number };
  model: { label: string; text: string; token_count: number } | { label: string; error: string };
}
