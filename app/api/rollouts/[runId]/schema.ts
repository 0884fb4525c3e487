import { z } from "zod";
import { chatRunIdSchema } from "@/lib/rollout/chat-session-schema";

/** GET /api/rollouts/:runId (NDJSON events of a live run) and POST /api/rollouts/:runId/stop. */
export const runParamsSchema = z.object({ runId: chatRunIdSchema });
export type RunParams = z.infer<typeof runParamsSchema>;
