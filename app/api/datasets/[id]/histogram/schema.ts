import { z } from "zod";

export const histogramSchema = z.object({
  which: z.enum(["recorded", "rescored"]).default("recorded"),
  bins: z.coerce.number().int().min(2).max(100).default(20),
});
