import "server-only";
import type { TrafficFields } from "@/lib/service/core/traffic";
import type { BackendName } from "@/lib/sandbox/types";
import type { TrafficOutcome } from "@/lib/traffic/types";

// What Traffic shows of one E2B call (the service layer records it): the control plane (create, kill, timeout, …) and every sandbox
// call (a command with its user, exit code, duration and output; a file transfer with its size; a
// code run with its results). A stream is recorded when it ends, so its output is complete.

export class E2BCallLog {
  private readonly t0 = performance.now();
  private recorded = false;
  http_status = 200;
  operation: string;
  sandbox_id?: string;
  /** The agent session the sandbox's metadata names (create): its calls join that session's timeline. */
  session_id?: string;
  /** Where the sandbox runs (set once the call names a running one). */
  backend: BackendName = "docker";
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
  /** A stream that records itself when it ends (a directory watch). */
  stream?: boolean;

  constructor(operation: string) {
    this.operation = operation;
  }

  private settle!: (fields: TrafficFields | null) => void;
  /** The call's Traffic fields once it is done (a stream: when it ended or the client left). */
  readonly fields: Promise<TrafficFields | null> = new Promise((r) => (this.settle = r));

  /** Not recorded (health checks). */
  skip(): void {
    this.recorded = true;
    this.settle(null);
  }

  /** The call is complete (once). Streams call it when they end; other calls when the response is built. */
  done(): void {
    if (this.recorded) return;
    this.recorded = true;
    const outcome: TrafficOutcome =
      this.outcome ?? (this.http_status >= 500 ? "sandbox_error" : this.http_status >= 400 ? "rejected" : this.exit_code !== undefined && this.exit_code !== 0 ? "failed" : "success");
    const message = [this.user ? `user ${this.user}` : "", this.detail ?? "", this.message ?? ""].filter(Boolean).join(" · ");
    this.settle({
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
      run_ms: Math.round(this.run_ms ?? performance.now() - this.t0),
      backend: this.backend,
      ...(this.sandbox_id ? { sandbox_id: this.sandbox_id } : {}),
      ...(this.session_id ? { session_id: this.session_id } : {}),
      tool_name: this.operation,
    });
  }
}
