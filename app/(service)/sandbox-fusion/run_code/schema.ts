import { z } from "zod";
import { fetchFilesField, filesField, numberOr } from "@/lib/service/core/schema";

/**
 * POST /sandbox-fusion/run_code, SandboxFusion's RunCodeRequest. Every field but `code` has
 * SandboxFusion's default (language defaults to python here); unknown fields (expected_stdout, …)
 * are ignored.
 */
export const runCodeRequestSchema = z.object({
  code: z.string(),
  language: z
    .string()
    .nullish()
    .transform((v) => v || "python"),
  compile_timeout: numberOr(10),
  run_timeout: numberOr(10),
  memory_limit_MB: numberOr(-1),
  /** Fed to the program exactly (no newline added); null or absent = empty stdin. */
  stdin: z.string().nullish(),
  files: filesField.nullish().transform((v) => v ?? {}),
  fetch_files: fetchFilesField.nullish().transform((v) => v ?? []),
});
export type RunCodeRequest = z.infer<typeof runCodeRequestSchema>;
