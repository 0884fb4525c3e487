import { z } from "zod";
import { rowQuerySchema } from "@/lib/data/query";

// Inputs of the Inspect page's server actions (the streaming jobs stay route handlers).

const datasetId = z.string().regex(/^[0-9a-f]{16}$/, "a dataset id");

export const labelCheckSchema = z.object({ dataset_id: datasetId, scope: z.enum(["all", "filtered"]), query: rowQuerySchema });
export type LabelCheckInput = z.input<typeof labelCheckSchema>;

export const sampleTokensSchema = z.object({ dataset_id: datasetId, row: z.number().int().min(0) });
export type SampleTokensInput = z.infer<typeof sampleTokensSchema>;
