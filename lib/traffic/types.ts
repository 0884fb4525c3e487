// One recorded call of the service API (/sandbox-fusion/*, /ms-enclave/*, /agent/*), as the Traffic page
// shows it. Client code may import this module (types and schema only).
import { z } from "zod";
import { isolationLevelSchema } from "@/lib/sandbox/types";

export const trafficApis = ["sandbox-fusion", "ms-enclave", "agent", "e2b"] as const;
export type TrafficApi = (typeof trafficApis)[number];

/** The call's outcome in one word, for filters and rates. */
export const trafficOutcomes = ["success", "failed", "timeout", "sandbox_error", "rejected"] as const;
export type TrafficOutcome = (typeof trafficOutcomes)[number];

/** A record's id (base-36 time + sequence, recorder.ts). */
export const trafficIdSchema = z.string().regex(/^[0-9a-z]{1,32}$/, "not a traffic record id");

export const trafficFileSchema = z.object({ name: z.string(), size: z.number().int().nonnegative() });

export const trafficRecordSchema = z.object({
  id: z.string(),
  /** ms since epoch when the request arrived. */
  time: z.number(),
  client: z.string(),
  /** The client's User-Agent (python-requests, aiohttp, …), for the client filter. */
  user_agent: z.string().optional(),
  /** Which key the client sent (Bearer, X-API-Key, ?api_key): "key " + 8 hex of its SHA-256, never the key. */
  key_id: z.string().max(16).optional(),
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
  /** How the call's run was contained ("docker · gVisor", …), when it ran. */
  isolation: isolationLevelSchema.optional(),
  /** ms the call waited for a cold sandbox: none was ready in the warm pool, so one was made for it. */
  cold_ms: z.number().nonnegative().optional(),
  sandbox_id: z.string().optional(),
  tool_name: z.string().optional(),
  /** The agent session the call belongs to: the agent proxy's session id, or the one a sandbox call names. */
  session_id: z.string().optional(),
  /** Fields the recorder cut to keep the log bounded (e.g. ["stdout"]); set by the recorder. */
  truncated: z.array(z.string()).optional(),
  /** Original length (characters) of each field in `truncated`. */
  original_sizes: z.record(z.string(), z.number()).optional(),
});
export type TrafficRecord = z.infer<typeof trafficRecordSchema>;
/** What a route hands to the recorder; the recorder assigns `id`. */
export type TrafficRecordInput = Omit<TrafficRecord, "id">;

/** One interval of the Traffic header's chart. */
export interface TrafficBucket {
  /** Interval start, ms since epoch. */
  start: number;
  calls: number;
  errors: number;
  timeouts: number;
  p50_ms: number | null;
  p95_ms: number | null;
  /** Highest queue depth seen in the interval (sampled when calls finish and when stats are read). */
  queue_depth: number;
}

/** The Traffic header: rates over the last `window_ms`, plus a per-interval series for a small chart. */
export interface TrafficStats {
  now: number;
  window_ms: number;
  interval_ms: number;
  calls: number;
  calls_per_s: number;
  p50_ms: number | null;
  p95_ms: number | null;
  /** Requests waiting for a sandbox slot right now (0 when no queue reports). */
  queue_depth: number;
  /** Fraction 0..1 of calls in the window whose outcome is failed, sandbox_error or rejected. */
  error_rate: number;
  /** Fraction 0..1 of calls in the window that timed out. */
  timeout_rate: number;
  series: TrafficBucket[];
  /** "on" | "memory" | "off" (PLAYGROUND_TRAFFIC_LOG). */
  recording: "on" | "memory" | "off";
}

/** A record counts as an error for rates and the "errors" filter. */
export function isErrorOutcome(o: TrafficOutcome): boolean {
  return o === "failed" || o === "sandbox_error" || o === "rejected";
}
