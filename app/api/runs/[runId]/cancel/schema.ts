import { z } from "zod";
import { runIdSchema } from "@/app/(playground)/editor/schema";

export const cancelParamsSchema = z.object({ runId: runIdSchema });
export type CancelParams = z.infer<typeof cancelParamsSchema>;

export interface CancelResponse {
  runId: string;
  /** false when no run with this id is in flight (already finished, or never started). */
  cancelled: boolean;
}
