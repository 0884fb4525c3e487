import { z } from "zod";
import { fetchFilesField, filesField, numberOr } from "@/lib/service/core/schema";
import type { IsolationLevel } from "@/lib/sandbox/types";

// SandboxFusion's wire format (bytedance/SandboxFusion sandbox/server/sandbox_api.py): the request
// schemas the routes validate with, and the response shapes. No server imports.

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

export const commandRunStatuses = ["Finished", "Error", "TimeLimitExceeded"] as const;
export type CommandRunStatus = (typeof commandRunStatuses)[number];
export const runStatuses = ["Success", "Failed", "SandboxError"] as const;
export type RunStatus = (typeof runStatuses)[number];

export interface CommandRunResult {
  status: CommandRunStatus;
  /** Seconds. */
  execution_time: number | null;
  return_code: number | null;
  stdout: string | null;
  stderr: string | null;
}

export interface RunCodeResponse {
  status: RunStatus;
  /** Ours, not SandboxFusion's: how the run was contained (absent when no sandbox was reached). */
  isolation?: IsolationLevel;
  message: string;
  compile_result: CommandRunResult | null;
  run_result: CommandRunResult | null;
  executor_pod_name: string | null;
  files: Record<string, string>;
}

export interface CellRunResult {
  stdout: string;
  stderr: string;
  display: Record<string, unknown>[];
  error: Record<string, unknown>[];
}

export interface RunJupyterResponse {
  status: RunStatus;
  /** Ours, not SandboxFusion's: how the run was contained (absent when no sandbox was reached). */
  isolation?: IsolationLevel;
  message: string;
  driver: CommandRunResult | null;
  cells: CellRunResult[];
  executor_pod_name: string | null;
  files: Record<string, string>;
}

/** run_code's SandboxError body (a request that failed before or outside the program). */
export function runCodeSandboxError(message: string): RunCodeResponse {
  return { status: "SandboxError", message, compile_result: null, run_result: null, executor_pod_name: null, files: {} };
}

/** run_jupyter's SandboxError body. */
export function runJupyterSandboxError(message: string): RunJupyterResponse {
  return { status: "SandboxError", message, driver: null, cells: [], executor_pod_name: null, files: {} };
}

/** Our language names as SandboxFusion spells them (the rest are the same). */
const sandboxFusionSpelling: Record<string, string> = { r: "R", d_ut: "D_ut" };
export const toSandboxFusionName = (name: string) => sandboxFusionSpelling[name] ?? name;
