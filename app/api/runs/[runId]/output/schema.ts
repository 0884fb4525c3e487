import { z } from "zod";
import { runIdSchema } from "@/app/(playground)/editor/schema";

export const outputParamsSchema = z.object({ runId: runIdSchema });
export const outputQuerySchema = z.object({
  /** Download one stream whole; without it, the live view (the last `tail` bytes of both). */
  stream: z.enum(["stdout", "stderr"]).optional(),
  tail: z.coerce.number().int().positive().max(1024 * 1024).default(256 * 1024),
});
export type OutputQuery = z.infer<typeof outputQuerySchema>;

/** The live view of a run's output (GET without `stream`). */
export interface LiveOutputResponse {
  text: string;
  bytes: number;
  skipped: number;
  done: boolean;
}
