import { z } from "zod";
import { chatRunIdSchema, chatSessionIdSchema } from "@/lib/rollout/chat-session-schema";
import { chatSettingsSchema } from "@/lib/rollout/settings";

/** POST /api/rollouts: start a run (fresh, or re-run from an edited turn). Answers NDJSON. */
export const startRolloutSchema = z.object({
  session_id: chatSessionIdSchema,
  /** Fresh runs: the settings to run with (saved as the session's). */
  settings: chatSettingsSchema.optional(),
  from: z
    .object({
      run_id: chatRunIdSchema,
      turn: z.number().int().min(0),
      text: z.string().max(500_000).optional(),
      code: z.string().max(500_000).optional(),
      call_index: z.number().int().min(0).optional(),
    })
    .refine((f) => (f.text === undefined) !== (f.code === undefined), { message: "give either text or code" })
    .optional(),
});
export type StartRolloutInput = z.infer<typeof startRolloutSchema>;

/** First line of the stream, before the rollout's own events. */
export interface RunStartedLine {
  type: "run";
  run: { id: string; n: number; parent?: { run_id: string; turn: number; what: "text" | "code" } };
}
