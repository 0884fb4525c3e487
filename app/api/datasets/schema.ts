import { z } from "zod";
import { datasetFormatSchema } from "@/lib/data/types";

/** POST /api/datasets: open a file from PLAYGROUND_DATA_DIR (or a previous upload). */
export const openDatasetSchema = z.object({
  source: z.string().min(1).max(4096),
  format: datasetFormatSchema.optional(),
});
export type OpenDatasetInput = z.infer<typeof openDatasetSchema>;
