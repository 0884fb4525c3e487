import { z } from "zod";
import { fetchFilesField, filesField, numberOr } from "@/lib/service/core/schema";

/** POST /sandbox-fusion/run_jupyter, SandboxFusion's RunJupyterRequest (unknown fields ignored). */
export const runJupyterRequestSchema = z.object({
  cells: z.array(z.string()).max(1000, "at most 1000 cells"),
  /** Seconds per cell; 0 = only total_timeout applies. */
  cell_timeout: numberOr(0),
  total_timeout: numberOr(45),
  memory_limit_MB: numberOr(-1),
  kernel: z
    .literal("python3")
    .nullish()
    .transform(() => "python3" as const),
  files: filesField.nullish().transform((v) => v ?? {}),
  fetch_files: fetchFilesField.nullish().transform((v) => v ?? []),
});
export type RunJupyterRequest = z.infer<typeof runJupyterRequestSchema>;
