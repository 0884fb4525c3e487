import "server-only";
import { PassThrough, type Duplex } from "node:stream";
import type Docker from "dockerode";
import { z } from "zod";

// Client side of the executor agent's protocol (docker/sandbox/agent/agent.py): one JSON object
// per line each way over the container's attached stdin/stdout. Requests carry an id; each gets
// exactly one response with that id. Docker multiplexes stdout/stderr on the attach stream; the
// agent's stderr is its log, kept for diagnostics.

export const agentRunResponseSchema = z.object({
  ok: z.literal(true),
  stdout: z.string(),
  stderr: z.string(),
  exit_code: z.number().int().nullable(),
  signal: z.string().nullable(),
  timed_out: z.boolean(),
  cancelled: z.boolean(),
  stdout_truncated: z.boolean(),
  stderr_truncated: z.boolean(),
  duration_ms: z.number(),
  failure: z.string().optional(),
});
export type AgentRunResponse = z.infer<typeof agentRunResponseSchema>;

export const agentHelloSchema = z.object({
  ok: z.literal(true),
  version: z.number(),
  pid: z.number(),
  uid: z.number(),
  languages: z.array(z.string()),
});

/** The agent answered ok:false. */
export class AgentError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "AgentError";
  }
}

/** The agent stopped answering or its stream ended: the container is wedged or gone. */
export class AgentUnresponsive extends Error {
  constructor(
    message: string,
    readonly kind: "timeout" | "gone",
  ) {
    super(message);
    this.name = "AgentUnresponsive";
  }
}

type Pending = { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void; timer?: NodeJS.Timeout };

export class AgentConnection {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private buf: Buffer[] = [];
  private logTail: string[] = [];
  private goneError: AgentUnresponsive | null = null;
  readonly ready: Promise<void>;
  private readyResolve!: () => void;
  private readyReject!: (e: Error) => void;

  constructor(
    private stream: Duplex,
    modem: Docker["modem"],
    readonly containerId: string,
  ) {
    this.ready = new Promise((res, rej) => {
      this.readyResolve = res;
      this.readyReject = rej;
    });
    this.ready.catch(() => {});
    const out = new PassThrough();
    const err = new PassThrough();
    modem.demuxStream(stream, out, err);
    out.on("data", (chunk: Buffer) => this.onData(chunk));
    err.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line) continue;
        this.logTail.push(line);
        if (this.logTail.length > 50) this.logTail.shift();
      }
    });
    const onGone = (why: string) => this.fail(new AgentUnresponsive(`the agent's stream ${why}`, "gone"));
    stream.on("end", () => onGone("ended"));
    stream.on("close", () => onGone("closed"));
    stream.on("error", (e) => onGone(`failed: ${e.message}`));
  }

  get alive(): boolean {
    return this.goneError === null;
  }

  /** The agent's recent log lines (its stderr). */
  log(): string[] {
    return [...this.logTail];
  }

  private onData(chunk: Buffer) {
    let start = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, start)) {
      this.buf.push(chunk.subarray(start, i));
      const line = Buffer.concat(this.buf).toString("utf8");
      this.buf = [];
      start = i + 1;
      this.onLine(line);
    }
    if (start < chunk.length) this.buf.push(chunk.subarray(start));
  }

  private onLine(line: string) {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.logTail.push(`(bad frame) ${line.slice(0, 200)}`);
      return;
    }
    if (msg.id === null || msg.id === undefined) {
      if (msg.ready === true) this.readyResolve();
      return;
    }
    const p = this.pending.get(Number(msg.id));
    if (!p) return;
    this.pending.delete(Number(msg.id));
    clearTimeout(p.timer);
    if (msg.ok === true) p.resolve(msg);
    else p.reject(new AgentError(typeof msg.error === "string" ? msg.error : "agent error", typeof msg.code === "string" ? msg.code : undefined));
  }

  private fail(e: AgentUnresponsive) {
    if (this.goneError) return;
    this.goneError = e;
    this.readyReject(e);
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.pending.clear();
  }

  /** Sends one request. timeoutMs: reject with AgentUnresponsive("timeout") if no answer by then. */
  request(msg: Record<string, unknown>, opts: { timeoutMs?: number } = {}): Promise<Record<string, unknown>> {
    return this.send(msg, opts).response;
  }

  /** Like request(), also giving the request id (a run's id is what "cancel" targets). */
  send(msg: Record<string, unknown>, opts: { timeoutMs?: number } = {}): { id: number; response: Promise<Record<string, unknown>> } {
    const id = this.nextId++;
    if (this.goneError) return { id, response: Promise.reject(this.goneError) };
    const response = new Promise<Record<string, unknown>>((resolve, reject) => {
      const p: Pending = { resolve, reject };
      if (opts.timeoutMs !== undefined) {
        p.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new AgentUnresponsive(`no answer to ${String(msg.op)} within ${opts.timeoutMs} ms`, "timeout"));
        }, opts.timeoutMs);
      }
      this.pending.set(id, p);
      this.stream.write(`${JSON.stringify({ ...msg, id })}\n`);
    });
    return { id, response };
  }

  /** Closes our end: the agent sees EOF on stdin and exits (the container then auto-removes). */
  close() {
    this.fail(new AgentUnresponsive("connection closed", "gone"));
    try {
      this.stream.end();
    } catch {
      /* already closed */
    }
    this.stream.destroy();
  }
}
