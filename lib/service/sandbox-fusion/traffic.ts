import "server-only";
import { recordCall } from "@/lib/traffic/recorder";
import type { TrafficOutcome } from "@/lib/traffic/types";
import type { CommandRunResult, RunStatus } from "./run";

// One Traffic record per SandboxFusion call, whatever happened to it.

export interface SandboxFusionCall {
  time: number;
  client: string;
  user_agent?: string;
  route: "/sandbox-fusion/run_code" | "/sandbox-fusion/run_jupyter";
  http_status: number;
  language?: string;
  code?: string;
  stdin?: string | null;
  files?: Record<string, string | null>;
  fetched?: Record<string, string>;
  /** The response's top status, or the refusal code when the request never ran. */
  status: RunStatus | string;
  compile_result?: CommandRunResult | null;
  run_result?: CommandRunResult | null;
  message?: string;
  queue_ms?: number;
  run_ms?: number;
  backend?: string;
}

const b64Size = (b64: string) => Math.floor((b64.replace(/[\r\n=]/g, "").length * 3) / 4);

function outcomeOf(c: SandboxFusionCall): TrafficOutcome {
  if (c.http_status !== 200) return "rejected";
  if (c.status === "Success") return "success";
  if (c.status === "SandboxError") return "sandbox_error";
  if (c.compile_result?.status === "TimeLimitExceeded" || c.run_result?.status === "TimeLimitExceeded") return "timeout";
  return "failed";
}

export function recordSandboxFusionCall(c: SandboxFusionCall): void {
  const shown = c.run_result ?? c.compile_result ?? null;
  recordCall({
    time: c.time,
    client: c.client,
    ...(c.user_agent ? { user_agent: c.user_agent } : {}),
    api: "sandbox-fusion",
    route: c.route,
    method: "POST",
    http_status: c.http_status,
    ...(c.language !== undefined ? { language: c.language } : {}),
    ...(c.code !== undefined ? { code: c.code } : {}),
    ...(typeof c.stdin === "string" ? { stdin: c.stdin } : {}),
    ...(c.files ? { files: Object.entries(c.files).map(([name, b64]) => ({ name, size: b64 === null ? 0 : b64Size(b64) })) } : {}),
    ...(c.fetched ? { fetched_files: Object.entries(c.fetched).map(([name, b64]) => ({ name, size: b64Size(b64) })) } : {}),
    outcome: outcomeOf(c),
    status: c.status,
    ...(shown?.stdout ? { stdout: shown.stdout } : {}),
    ...(shown?.stderr ? { stderr: shown.stderr } : {}),
    ...(c.message ? { message: c.message } : {}),
    ...(shown ? { return_code: shown.return_code } : {}),
    queue_ms: c.queue_ms ?? 0,
    run_ms: c.run_ms ?? 0,
    ...(c.backend ? { backend: c.backend } : {}),
  });
}
