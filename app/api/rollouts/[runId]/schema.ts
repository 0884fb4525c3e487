import { z } from "zod";
import { runIdSchema } from "@/lib/rollout/ids";

/** GET /api/rollouts/:runId (NDJSON events of a live run) and POST /api/rollouts/:runId/stop. */
export const runParamsSchema = z.object({ runId: runIdSchema });
export type RunParams = z.infer<typeof runParamsSchema>;
