import { z } from "zod";

export const promptStepsSchema = z.object({
  row: z.coerce.number().int().min(0),
  per_step: z.coerce.number().int().min(1).max(16).default(4),
});
export type PromptStepsQuery = z.infer<typeof promptStepsSchema>;
