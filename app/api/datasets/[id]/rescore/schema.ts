import { z } from "zod";
import { rowQuerySchema } from "@/lib/data/query";
import { rewardTypeSchema } from "@/lib/reward";

/** POST /api/datasets/:id/rescore: recompute rewards for the whole file or the filtered set. */
export const rescoreSchema = z.object({
  reward_type: rewardTypeSchema,
  rm_url: z.string().url().optional(),
  scope: z.enum(["all", "filtered"]).default("all"),
  query: rowQuerySchema.default(() => rowQuerySchema.parse({})),
});
export type RescoreInput = z.infer<typeof rescoreSchema>;
export type { RescoreEvent } from "@/lib/data/types";
