// What a chat session is: its ids, its runs and its persisted shape. Isomorphic (the Chat page imports
// the types). "Session" here is a chat session; the sandbox's sessions are lib/sandbox's SandboxSession.
import { z } from "zod";
import { chatSettingsSchema } from "./settings";
import type { RolloutRecord } from "./transcript";

/** Ids are hex, so they are safe in file names and URLs. */
export const chatSessionIdSchema = z.string().regex(/^[a-f0-9]{16}$/, "not a chat session id");
export const chatRunIdSchema = z.string().regex(/^[a-f0-9]{16}$/, "not a run id");
export type ChatSessionId = z.infer<typeof chatSessionIdSchema>;
export type ChatRunId = z.infer<typeof chatRunIdSchema>;

/** The replay value meaning "the trajectory stored with this session" (e.g. opened from Inspect). */
export const RECORDED_REPLAY = "recorded";

const recordSchema = z.custom<RolloutRecord>(
  (v) => typeof v === "object" && v !== null && Array.isArray((v as { turns?: unknown }).turns),
);

export const chatRunSchema = z.object({
  id: chatRunIdSchema,
  n: z.number().int().positive(),
  created_at: z.string(),
  parent: z.object({ run_id: chatRunIdSchema, turn: z.number().int().min(0), what: z.enum(["text", "code"]) }).optional(),
  settings: chatSettingsSchema,
  state: z.enum(["running", "done"]),
  record: recordSchema.nullable(),
});
export type ChatRun = z.infer<typeof chatRunSchema>;

export const chatSessionSchema = z.object({
  id: chatSessionIdSchema,
  created_at: z.string(),
  updated_at: z.string(),
  settings: chatSettingsSchema,
  /** Assistant turns to replay when settings.endpoint.replay_sample is "recorded". */
  replay: z
    .object({
      name: z.string(),
      turns: z.array(z.string()),
      /**
       * The turn picked when it was opened (0-based): a live backend continues after the recorded
       * turns up to it; the "recorded" replay plays every turn.
       */
      from_turn: z.number().int().min(0).optional(),
    })
    .optional(),
  runs: z.array(chatRunSchema),
});
export type ChatSession = z.infer<typeof chatSessionSchema>;

/** What the browser gets: no key, only whether one is set and where from. */
export type ApiKeyState = "session" | "env" | null;
