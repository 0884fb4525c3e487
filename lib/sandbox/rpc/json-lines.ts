import "server-only";

// The one JSON-lines RPC client: one JSON object per line each way; every request carries an id and
// gets exactly one reply with that id ({ok: true, …} or {ok: false, error, code?}). Spoken to the
// Docker executor agent (over the container's attach stream) and to the local notebook driver
// (over a child's stdin/stdout). The transport is the caller's: it hands us bytes and a writer.

export type RpcMessage = Record<string, unknown>;

export interface JsonLinesRpcOptions {
  /** Writes one framed line (already ends with "\n"). */
  write: (line: string) => void;
  /** The error a reply with ok !== true rejects with. */
  replyError: (msg: RpcMessage) => Error;
  /** The error a request that got no reply within its timeout rejects with. */
  timeoutError: (msg: RpcMessage, timeoutMs: number) => Error;
  /** Called after a request timed out (e.g. to kill a wedged peer). */
  onTimeout?: () => void;
  /** A line without an id (the agent's {ready: true}). */
  onUnsolicited?: (msg: RpcMessage) => void;
  /** A line that is not JSON. */
  onBadLine?: (line: string) => void;
}

interface Pending {
  resolve: (v: RpcMessage) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
}

export class JsonLinesRpc {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private partial: Buffer[] = [];
  private gone: Error | null = null;

  constructor(private opts: JsonLinesRpcOptions) {}

  get alive(): boolean {
    return this.gone === null;
  }

  /** Bytes from the peer; lines may arrive split across chunks. */
  feed(chunk: Buffer): void {
    let start = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, start)) {
      this.partial.push(chunk.subarray(start, i));
      const line = Buffer.concat(this.partial).toString("utf8");
      this.partial = [];
      start = i + 1;
      this.onLine(line);
    }
    if (start < chunk.length) this.partial.push(chunk.subarray(start));
  }

  private onLine(line: string): void {
    if (!line) return;
    let msg: RpcMessage;
    try {
      msg = JSON.parse(line) as RpcMessage;
    } catch {
      this.opts.onBadLine?.(line);
      return;
    }
    if (msg.id === null || msg.id === undefined) {
      this.opts.onUnsolicited?.(msg);
      return;
    }
    const p = this.pending.get(Number(msg.id));
    if (!p) return;
    this.pending.delete(Number(msg.id));
    clearTimeout(p.timer);
    if (msg.ok === true) p.resolve(msg);
    else p.reject(this.opts.replyError(msg));
  }

  /** The peer is gone: every pending request and every later one rejects with `e`. First call wins. */
  fail(e: Error): void {
    if (this.gone) return;
    this.gone = e;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    this.pending.clear();
  }

  request(msg: RpcMessage, opts: { timeoutMs?: number } = {}): Promise<RpcMessage> {
    return this.send(msg, opts).response;
  }

  /** Like request(), also giving the request id (a run's id is what a later cancel targets). */
  send(msg: RpcMessage, opts: { timeoutMs?: number } = {}): { id: number; response: Promise<RpcMessage> } {
    const id = this.nextId++;
    if (this.gone) return { id, response: Promise.reject(this.gone) };
    const response = new Promise<RpcMessage>((resolve, reject) => {
      const p: Pending = { resolve, reject };
      const timeoutMs = opts.timeoutMs;
      if (timeoutMs !== undefined) {
        p.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(this.opts.timeoutError(msg, timeoutMs));
          this.opts.onTimeout?.();
        }, timeoutMs);
      }
      this.pending.set(id, p);
      this.opts.write(`${JSON.stringify({ ...msg, id })}\n`);
    });
    return { id, response };
  }
}
