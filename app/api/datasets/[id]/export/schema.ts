import { z } from "zod";
import { rowQuerySchema } from "@/lib/data/query";

/**
 * GET /api/datasets/:id/export?what=filtered|rescore|reexec plus the list filters.
 * filtered: the original records of the filtered set; rescore/reexec: one result line per row.
 */
export const exportSchema = rowQuerySchema.extend({
  what: z.enum(["filtered", "rescore", "reexec"]).default("filtered"),
});
export type ExportInput = z.infer<typeof exportSchema>;
