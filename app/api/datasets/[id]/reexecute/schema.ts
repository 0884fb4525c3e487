import { z } from "zod";
import { rowQuerySchema } from "@/lib/data/query";
import { backendNameSchema } from "@/lib/sandbox/types";
import { fenceModes } from "@/lib/data/code-fences";

/** POST /api/datasets/:id/reexecute: run code cells again and compare with the recorded output. */
export const reexecuteSchema = z.object({
  /** Explicit rows (one sample from the detail view), else the scope decides. */
  rows: z.array(z.number().int().min(0)).max(100_000).optional(),
  scope: z.enum(["all", "filtered"]).default("filtered"),
  query: rowQuerySchema.default(() => rowQuerySchema.parse({})),
  backend: backendNameSchema.default("local"),
  concurrency: z.number().int().min(1).max(8).default(2),
  /** ``` fences in a cell: run as written (slime's tool), or stripped first (SandboxFusion-style). */
  fences: z.enum(fenceModes).default("as-written"),
});
export type ReexecuteInput = z.infer<typeof reexecuteSchema>;
export type { ReexecEvent } from "@/lib/data/types";
