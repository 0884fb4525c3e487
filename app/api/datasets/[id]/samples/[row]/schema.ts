import { z } from "zod";
import { rowQuerySchema } from "@/lib/data/query";

/** GET /api/datasets/:id/samples/:row, with the list filters to find the previous/next sample. */
export const sampleParamsSchema = z.object({ row: z.coerce.number().int().min(0) });
export const sampleQuerySchema = rowQuerySchema;
