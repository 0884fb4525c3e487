import "server-only";
import type { ServiceCall } from "@/lib/service/core/route";
import type { TrafficFields } from "@/lib/service/core/traffic";
import type { TrafficOutcome } from "@/lib/traffic/types";
import type { CommandRunResult } from "./wire";

// What the Traffic page shows of one SandboxFusion call, whatever happened to it.

export interface SandboxFusionRequestView {
  language?: string;
  code?: string;
  stdin?: string | null;
  files?: Record<string, string | null>;
}

export interface SandboxFusionResultView {
  status: string;
  message: string;
  files: Record<string, string>;
  compile_result?: CommandRunResult | null;
  run_result?: CommandRunResult | null;
}

const b64Size = (b64: string) => Math.floor((b64.replace(/[\r\n=]/g, "").length * 3) / 4);

function outcomeOf(r: SandboxFusionResultView): TrafficOutcome {
  if (r.status === "Success") return "success";
  if (r.status === "SandboxError") return "sandbox_error";
  if (r.compile_result?.status === "TimeLimitExceeded" || r.run_result?.status === "TimeLimitExceeded") return "timeout";
  return "failed";
}

function requestFields(v: SandboxFusionRequestView): TrafficFields {
  return {
    ...(v.language !== undefined ? { language: v.language } : {}),
    ...(v.code !== undefined ? { code: v.code } : {}),
    ...(typeof v.stdin === "string" ? { stdin: v.stdin } : {}),
    ...(v.files ? { files: Object.entries(v.files).map(([name, b64]) => ({ name, size: b64 === null ? 0 : b64Size(b64) })) } : {}),
  };
}

/** The Traffic fields of a call: its request (also when refused), and what it answered. */
export function sandboxFusionTraffic<I, R>(call: ServiceCall<I, R>, describe: (input: I) => SandboxFusionRequestView, view: (resp: R) => SandboxFusionResultView): TrafficFields {
  if (call.input === undefined) {
    // Refused before it parsed: show the code it sent, if any.
    const code = (call.error?.input as { code?: unknown } | null | undefined)?.code;
    return { outcome: "rejected", ...(typeof code === "string" ? { code } : {}) };
  }
  const request = requestFields(describe(call.input));
  if (call.output === undefined || call.http_status !== 200) return { ...request, outcome: "rejected" };
  const r = view(call.output);
  const shown = r.run_result ?? r.compile_result ?? null;
  return {
    ...request,
    outcome: outcomeOf(r),
    status: r.status,
    fetched_files: Object.entries(r.files).map(([name, b64]) => ({ name, size: b64Size(b64) })),
    ...(shown?.stdout ? { stdout: shown.stdout } : {}),
    ...(shown?.stderr ? { stderr: shown.stderr } : {}),
    ...(r.message ? { message: r.message } : {}),
    ...(shown ? { return_code: shown.return_code } : {}),
  };
}
