import "server-only";
import type { AgentConnection } from "@/lib/sandbox/backends/docker-agent";
import type { RpcMessage } from "@/lib/sandbox/rpc/json-lines";

// The processes of one E2B sandbox as streams see them: the envd agent sends output and exit events
// for every process; a Start or Connect stream listens to one pid. Output that arrives before the
// Start stream attaches (the agent can answer the start and send output in one burst) is kept until
// it does; a process nobody listens to (a background command whose stream was dropped) keeps
// running and its output is dropped, as on E2B.

export type ProcessEvent =
  | { kind: "data"; stream: "stdout" | "stderr" | "pty"; data: Buffer }
  | { kind: "end"; exitCode: number; signal: string | null }
  | { kind: "gone"; reason: string };

/** A directory watch's events: envd's EventType numbers (1 create, 2 write, 3 remove, 4 rename, 5 chmod). */
export type WatchEvent = { kind: "fs"; name: string; type: number } | { kind: "end"; reason: string } | { kind: "gone"; reason: string };

interface Entry {
  listeners: Set<(e: ProcessEvent) => void>;
  /** Events before the first listener (bounded). */
  early: ProcessEvent[];
  earlyBytes: number;
  attached: boolean;
}

const EARLY_CAP = 8 * 1024 * 1024;

export class ProcessHub {
  private entries = new Map<number, Entry>();
  private unsubscribe: () => void;

  constructor(agent: AgentConnection) {
    this.unsubscribe = agent.onEvent((msg) => this.onEvent(msg));
  }

  private entry(pid: number): Entry {
    let e = this.entries.get(pid);
    if (!e) {
      e = { listeners: new Set(), early: [], earlyBytes: 0, attached: false };
      this.entries.set(pid, e);
    }
    return e;
  }

  private onEvent(msg: RpcMessage) {
    if (msg.ev === "watch" || msg.ev === "watch_end") return this.onWatch(msg);
    const pid = Number(msg.pid);
    if (!Number.isInteger(pid)) return;
    let ev: ProcessEvent;
    if (msg.ev === "data") ev = { kind: "data", stream: msg.fd === 2 ? "stderr" : msg.fd === 3 ? "pty" : "stdout", data: Buffer.isBuffer(msg.bytes) ? msg.bytes : Buffer.from(String(msg.b ?? ""), "base64") };
    else if (msg.ev === "end") ev = { kind: "end", exitCode: Number(msg.exit_code), signal: typeof msg.signal === "string" ? msg.signal : null };
    else return;
    const e = this.entry(pid);
    if (!e.attached) {
      if (ev.kind === "data") {
        e.earlyBytes += ev.data.length;
        if (e.earlyBytes > EARLY_CAP) return;
      }
      e.early.push(ev);
    } else for (const l of e.listeners) l(ev);
    if (ev.kind === "end" && e.attached) this.entries.delete(pid);
  }

  /**
   * Listens to one process. `replay`: hand over what arrived before (the Start stream of this pid);
   * a Connect stream sees only what comes next. Returns the unsubscribe function.
   */
  listen(pid: number, fn: (e: ProcessEvent) => void, replay: boolean): () => void {
    const e = this.entry(pid);
    const early = e.early.splice(0);
    e.earlyBytes = 0;
    e.attached = true;
    e.listeners.add(fn);
    if (replay) for (const ev of early) fn(ev);
    if (early.some((ev) => ev.kind === "end")) {
      this.entries.delete(pid);
      if (!replay) fn(early.find((ev) => ev.kind === "end")!);
    }
    return () => {
      e.listeners.delete(fn);
    };
  }

  private watches = new Map<number, (e: WatchEvent) => void>();

  private onWatch(msg: RpcMessage) {
    const fn = this.watches.get(Number(msg.wid));
    if (!fn) return;
    if (msg.ev === "watch") fn({ kind: "fs", name: String(msg.name ?? ""), type: Number(msg.type) });
    else {
      this.watches.delete(Number(msg.wid));
      fn({ kind: "end", reason: String(msg.reason ?? "the watch ended") });
    }
  }

  /** Events of one directory watch (envd's watch.start gave its id); returns the unsubscribe function. */
  listenWatch(wid: number, fn: (e: WatchEvent) => void): () => void {
    this.watches.set(wid, fn);
    return () => {
      if (this.watches.get(wid) === fn) this.watches.delete(wid);
    };
  }

  /** The sandbox is gone: every stream ends. */
  closeAll(reason: string) {
    for (const e of this.entries.values()) for (const l of e.listeners) l({ kind: "gone", reason });
    this.entries.clear();
    for (const fn of [...this.watches.values()]) fn({ kind: "gone", reason });
    this.watches.clear();
    this.unsubscribe();
  }
}
