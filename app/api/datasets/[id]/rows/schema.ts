import { z } from "zod";
import { rowQuerySchema } from "@/lib/data/query";

/** GET /api/datasets/:id/rows: the filters of the list plus a window. */
export const rowsSchema = rowQuerySchema.extend({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type RowsInput = z.infer<typeof rowsSchema>;
