import { z } from "zod";

/** GET /api/datasets/files?dir=: list a directory under PLAYGROUND_DATA_DIR. */
export const listFilesSchema = z.object({ dir: z.string().max(4096).default("") });
export type ListFilesInput = z.infer<typeof listFilesSchema>;
