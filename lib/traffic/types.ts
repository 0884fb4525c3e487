// One recorded call of the sandbox service API (/sandbox-fusion/*, /ms-enclave/*), as the Traffic page
// shows it. Client code may import this module (types and schema only).
import { z } from "zod";

export const trafficApis = ["sandbox-fusion", "ms-enclave"] as const;
export type TrafficApi = (typeof trafficApis)[number];

/** The call's outcome in one word, for filters and rates. */
export const trafficOutcomes = ["success", "failed", "timeout", "sandbox_error", "rejected"] as const;
export type TrafficOutcome = (typeof trafficOutcomes)[number];

export const trafficFileSchema = z.object({ name: z.string(), size: z.number().int().nonnegative() });

export const trafficRecordSchema = z.object({
  id: z.string(),
  /** ms since epoch when the request arrived. */
  time: z.number(),
  client: z.string(),
  api: z.enum(trafficApis),
  /** e.g. "/sandbox-fusion/run_code", "/ms-enclave/sandbox/tool/execute". */
  route: z.string(),
  method: z.string(),
  http_status: z.number().int(),
  language: z.string().optional(),
  code: z.string().optional(),
  stdin: z.string().optional(),
  files: z.array(trafficFileSchema).optional(),
  fetched_files: z.array(trafficFileSchema).optional(),
  outcome: z.enum(trafficOutcomes),
  /** The API's own top-level status word (SandboxFusion `Success|Failed|SandboxError`, ms-enclave `success|error|…`). */
  status: z.string(),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  message: z.string().optional(),
  return_code: z.number().int().nullable().optional(),
  queue_ms: z.number().nonnegative(),
  run_ms: z.number().nonnegative(),
  backend: z.string().optional(),
  sandbox_id: z.string().optional(),
  tool_name: z.string().optional(),
});
export type TrafficRecord = z.infer<typeof trafficRecordSchema>;
/** What a route hands to the recorder; the recorder assigns `id`. */
export type TrafficRecordInput = Omit<TrafficRecord, "id">;
