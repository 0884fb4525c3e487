import "server-only";
import { PassThrough, type Duplex } from "node:stream";
import type Docker from "dockerode";
import { z } from "zod";
import { JsonLinesRpc, type RpcMessage } from "../rpc/json-lines";

// Client side of the executor agent's protocol (docker/sandbox/agent/agent.py): JSON lines
// (rpc/json-lines.ts) over the container's attached stdin/stdout. Docker multiplexes stdout/stderr
// on the attach stream; the agent's stderr is its log, kept for diagnostics.

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
  /** Bytes the run wrote per stream, kept or not (agents built before this field omit it). */
  stdout_bytes: z.number().int().nonnegative().optional(),
  stderr_bytes: z.number().int().nonnegative().optional(),
  duration_ms: z.number(),
  failure: z.string().optional(),
});
export type AgentRunResponse = z.infer<typeof agentRunResponseSchema>;

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

export class AgentConnection {
  private rpc: JsonLinesRpc;
  private logTail: string[] = [];
  /** Event frames ({ev: …}, no id) the envd agent sends: process output and exits. */
  private listeners = new Set<(msg: RpcMessage) => void>();
  readonly ready: Promise<void>;
  private goneSignal: Promise<void>;
  private goneResolve!: () => void;
  private readyResolve!: () => void;
  private readyReject!: (e: Error) => void;

  constructor(
    private stream: Duplex,
    /** Splits the attach stream into stdout and stderr (Docker's modem; the local envd passes its pipes). */
    modem: Pick<Docker["modem"], "demuxStream">,
    readonly containerId: string,
  ) {
    this.ready = new Promise((res, rej) => {
      this.readyResolve = res;
      this.readyReject = rej;
    });
    this.ready.catch(() => {});
    this.goneSignal = new Promise((res) => (this.goneResolve = res));
    this.rpc = new JsonLinesRpc({
      write: (line) => (this.channel ?? this.stream).write(line),
      replyError: (msg) => new AgentError(typeof msg.error === "string" ? msg.error : "agent error", typeof msg.code === "string" ? msg.code : undefined),
      timeoutError: (msg, ms) => new AgentUnresponsive(`no answer to ${String(msg.op)} within ${ms} ms`, "timeout"),
      onUnsolicited: (msg) => {
        if (msg.ready === true) this.readyResolve();
        else if (typeof msg.ev === "string") for (const l of this.listeners) l(msg);
      },
      onBadLine: (line) => this.logTail.push(`(bad frame) ${line.slice(0, 200)}`),
    });
    const out = new PassThrough();
    const err = new PassThrough();
    modem.demuxStream(stream, out, err);
    out.on("data", (chunk: Buffer) => this.rpc.feed(chunk));
    err.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line) continue;
        this.logTail.push(line);
        if (this.logTail.length > 50) this.logTail.shift();
      }
    });
    this.watchGone(stream, "stream");
  }

  /** A direct socket to the agent (lib/sandbox/backends/envd-channel.ts), used instead of the stream for requests and replies. */
  private channel: Duplex | null = null;

  private watchGone(s: Duplex, what: string) {
    const onGone = (why: string) => this.fail(new AgentUnresponsive(`the agent's ${what} ${why}`, "gone"));
    s.on("end", () => onGone("ended"));
    s.on("close", () => onGone("closed"));
    s.on("error", (e) => onGone(`failed: ${e.message}`));
  }

  /**
   * From now on requests go to `channel` and its bytes are read as the agent's frames (the agent
   * answers there once it has connected). The attach stream stays open: its end still means the
   * agent is gone, and its stderr is still the agent's log.
   */
  useChannel(channel: Duplex): void {
    if (!this.rpc.alive) {
      channel.destroy();
      return;
    }
    this.channel = channel;
    channel.on("data", (chunk: Buffer) => this.rpc.feed(chunk));
    this.watchGone(channel, "channel");
    channel.resume();
  }

  /** Whether requests travel on a direct channel (not the attach stream). */
  get direct(): boolean {
    return this.channel !== null;
  }

  get alive(): boolean {
    return this.rpc.alive;
  }

  /** Subscribes to event frames; returns the unsubscribe function. */
  onEvent(fn: (msg: RpcMessage) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Resolves when the connection is gone (container stopped, closed). */
  get closed(): Promise<void> {
    return this.goneSignal;
  }

  /** The agent's recent log lines (its stderr). */
  log(): string[] {
    return [...this.logTail];
  }

  private fail(e: AgentUnresponsive) {
    if (!this.rpc.alive) return;
    this.readyReject(e);
    this.rpc.fail(e);
    this.goneResolve();
  }

  /**
   * Sends one request. timeoutMs: reject with AgentUnresponsive("timeout") if no answer by then;
   * bytes: sent raw after the frame (envd's fs.write). A reply's raw bytes come as `bytes`.
   */
  request(msg: RpcMessage, opts: { timeoutMs?: number; bytes?: Buffer } = {}): Promise<RpcMessage> {
    return this.rpc.request(msg, opts);
  }

  /** Like request(), also giving the request id (a run's id is what "cancel" targets). */
  send(msg: RpcMessage, opts: { timeoutMs?: number } = {}): { id: number; response: Promise<RpcMessage> } {
    return this.rpc.send(msg, opts);
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
    this.channel?.destroy();
  }
}
