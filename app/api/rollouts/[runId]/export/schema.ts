import { z } from "zod";
import { chatRunIdSchema, chatSessionIdSchema } from "@/lib/rollout/chat-session-schema";

/** GET /api/rollouts/:runId/export?session=…&format=jsonl|html: the run's Sample as a file. */
export const exportParamsSchema = z.object({ runId: chatRunIdSchema });
export const exportFormats = ["jsonl", "html"] as const;
export const exportQuerySchema = z.object({ session: chatSessionIdSchema, format: z.enum(exportFormats) });
export type ExportQuery = z.infer<typeof exportQuerySchema>;
