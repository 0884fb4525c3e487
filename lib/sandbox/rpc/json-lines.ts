import "server-only";

// The one JSON-lines RPC client: one JSON object per line each way; every request carries an id and
// gets exactly one reply with that id ({ok: true, …} or {ok: false, error, code?}). Spoken to the
// Docker executor agent (over the container's attach stream) and to the local notebook driver
// (over a child's stdin/stdout). The transport is the caller's: it hands us bytes and a writer.
// Bytes may travel raw: a line with `"raw": N` is followed by exactly N bytes, which arrive as the
// message's `bytes` (a Buffer); a request sent with bytes goes out the same way (the envd agent's
// file chunks and process output; base64 in JSON cost 4/3 the bytes and a decode on both sides).

export type RpcMessage = Record<string, unknown>;

export interface JsonLinesRpcOptions {
  /** Writes one framed line (already ends with "\n"), or the raw bytes that follow one. */
  write: (data: string | Buffer) => void;
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
  /** A message whose raw bytes are still arriving, and how many are missing. */
  private raw: { msg: RpcMessage; need: number; parts: Buffer[] } | null = null;
  private gone: Error | null = null;

  constructor(private opts: JsonLinesRpcOptions) {}

  get alive(): boolean {
    return this.gone === null;
  }

  /** Bytes from the peer; lines may arrive split across chunks. */
  feed(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const raw = this.raw;
      if (raw) {
        const take = Math.min(raw.need, chunk.length - start);
        raw.parts.push(chunk.subarray(start, start + take));
        raw.need -= take;
        start += take;
        if (raw.need === 0) {
          this.raw = null;
          raw.msg.bytes = raw.parts.length === 1 ? raw.parts[0]! : Buffer.concat(raw.parts);
          this.dispatch(raw.msg);
        }
        continue;
      }
      const i = chunk.indexOf(10, start);
      if (i === -1) {
        this.partial.push(chunk.subarray(start));
        return;
      }
      this.partial.push(chunk.subarray(start, i));
      const line = Buffer.concat(this.partial).toString("utf8");
      this.partial = [];
      start = i + 1;
      this.onLine(line);
    }
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
    if (typeof msg.raw === "number" && Number.isInteger(msg.raw) && msg.raw >= 0) {
      if (msg.raw > 0) {
        this.raw = { msg, need: msg.raw, parts: [] };
        return;
      }
      msg.bytes = Buffer.alloc(0);
    }
    this.dispatch(msg);
  }

  private dispatch(msg: RpcMessage): void {
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

  request(msg: RpcMessage, opts: { timeoutMs?: number; bytes?: Buffer } = {}): Promise<RpcMessage> {
    return this.send(msg, opts).response;
  }

  /** Like request(), also giving the request id (a run's id is what a later cancel targets). */
  send(msg: RpcMessage, opts: { timeoutMs?: number; bytes?: Buffer } = {}): { id: number; response: Promise<RpcMessage> } {
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
      const bytes = opts.bytes;
      // The frame and its bytes are written back to back: nothing can come between them.
      this.opts.write(`${JSON.stringify(bytes ? { ...msg, id, raw: bytes.length } : { ...msg, id })}\n`);
      if (bytes?.length) this.opts.write(bytes);
    });
    return { id, response };
  }
}
