import { z } from "zod";
import { datasetExtensions, datasetFormatSchema, hasDatasetExtension } from "@/lib/data/types";

/**
 * Uploads go in chunks (Next's proxy caps request bodies at 10 MB):
 * POST /api/datasets/upload {name} -> {upload_id, source, chunk_bytes};
 * PUT /api/datasets/upload/:uploadId?offset=N with the raw chunk -> {size};
 * POST /api/datasets/upload/:uploadId {size, format?} -> the opened dataset.
 */
export const startUploadSchema = z.object({
  name: z.string().min(1).max(255).refine(hasDatasetExtension, `use a ${datasetExtensions.join(", ")} file`),
});
export type StartUploadInput = z.infer<typeof startUploadSchema>;

export const uploadIdSchema = z.object({ uploadId: z.string().regex(/^[0-9a-f]{16}$/) });
export const chunkQuerySchema = z.object({ offset: z.coerce.number().int().min(0) });
export const finishUploadSchema = z.object({
  size: z.number().int().min(0),
  format: datasetFormatSchema.optional(),
});
export type FinishUploadInput = z.infer<typeof finishUploadSchema>;
