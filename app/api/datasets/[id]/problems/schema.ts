import { z } from "zod";
import { problemKinds } from "@/lib/data/types";

export const problemsSchema = z.object({
  kind: z.enum(problemKinds).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(2000).default(200),
});
