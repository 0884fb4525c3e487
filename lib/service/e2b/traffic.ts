import "server-only";
import { clientOf } from "@/lib/traffic/client";
import { recordCall } from "@/lib/traffic/recorder";
import type { TrafficOutcome } from "@/lib/traffic/types";

// One Traffic record per E2B call: the control plane (create, kill, timeout, …) and every sandbox
// call (a command with its user, exit code, duration and output; a file transfer with its size; a
// code run with its results). A stream is recorded when it ends, so its output is complete.

export class E2BCallLog {
  readonly time = Date.now();
  private readonly t0 = performance.now();
  private recorded = false;
  http_status = 200;
  operation: string;
  sandbox_id?: string;
  user?: string;
  command?: string;
  code?: string;
  language?: string;
  detail?: string;
  stdout?: string;
  stderr?: string;
  message?: string;
  exit_code?: number;
  pid?: number;
  bytes?: number;
  files?: { name: string; size: number }[];
  outcome?: TrafficOutcome;
  run_ms?: number;

  constructor(
    private readonly request: Request,
    readonly route: string,
    operation: string,
  ) {
    this.operation = operation;
  }

  /** Records the call (once). Streams call it when they end; other calls when the response is built. */
  done(): void {
    if (this.recorded) return;
    this.recorded = true;
    const { ip, userAgent } = clientOf(this.request);
    const outcome: TrafficOutcome =
      this.outcome ?? (this.http_status >= 500 ? "sandbox_error" : this.http_status >= 400 ? "rejected" : this.exit_code !== undefined && this.exit_code !== 0 ? "failed" : "success");
    const message = [this.user ? `user ${this.user}` : "", this.detail ?? "", this.message ?? ""].filter(Boolean).join(" · ");
    recordCall({
      time: this.time,
      client: ip,
      ...(userAgent ? { user_agent: userAgent } : {}),
      api: "e2b",
      route: this.route,
      method: this.request.method,
      http_status: this.http_status,
      ...(this.language ? { language: this.language } : {}),
      ...(this.command !== undefined ? { code: this.command } : this.code !== undefined ? { code: this.code } : {}),
      ...(this.files ? { files: this.files } : {}),
      ...(this.bytes !== undefined && !this.files ? { fetched_files: [{ name: this.detail ?? "", size: this.bytes }] } : {}),
      outcome,
      status: this.operation,
      ...(this.stdout ? { stdout: this.stdout } : {}),
      ...(this.stderr ? { stderr: this.stderr } : {}),
      ...(message ? { message } : {}),
      ...(this.exit_code !== undefined ? { return_code: this.exit_code } : {}),
      queue_ms: 0,
      run_ms: Math.round(this.run_ms ?? performance.now() - this.t0),
      backend: "docker",
      ...(this.sandbox_id ? { sandbox_id: this.sandbox_id } : {}),
      tool_name: this.operation,
    });
  }
}
