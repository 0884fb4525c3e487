import { z } from "zod";
import { datasetFormatSchema } from "@/lib/data/types";

/** POST /api/datasets/upload?name=&format= with the file as the raw body. */
export const uploadSchema = z.object({
  name: z.string().min(1).max(255).regex(/\.(jsonl|ndjson|json|parquet)$/i, "use a .jsonl, .ndjson, .json or .parquet file"),
  format: datasetFormatSchema.optional(),
});
export type UploadInput = z.infer<typeof uploadSchema>;

export const MAX_UPLOAD_BYTES = 4 * 1024 * 1024 * 1024;
