import "server-only";
import type { TrafficRecord } from "./types";

// The in-memory recent buffer the Traffic page lists, searches and computes its stats from:
// the newest calls, bounded by count and by approximate bytes, oldest dropped first.

const maxRecent = 10_000;
const maxRecentBytes = 96 * 1024 * 1024;

export interface RecentCall {
  rec: TrafficRecord;
  /** ms since epoch when the call finished (when it was recorded). */
  done: number;
  bytes: number;
}

export class RecentCalls {
  static readonly max = maxRecent;
  private entries: RecentCall[] = [];
  /** Index of the oldest live entry in `entries` (amortised O(1) drops). */
  private head = 0;
  private bytes = 0;
  private byId = new Map<string, RecentCall>();

  push(rec: TrafficRecord, done: number): void {
    const e: RecentCall = { rec, done, bytes: approxBytes(rec) };
    this.entries.push(e);
    this.byId.set(rec.id, e);
    this.bytes += e.bytes;
    while (this.entries.length - this.head > maxRecent || (this.bytes > maxRecentBytes && this.entries.length - this.head > 1)) {
      const old = this.entries[this.head]!;
      this.head += 1;
      this.bytes -= old.bytes;
      this.byId.delete(old.rec.id);
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  get(id: string): TrafficRecord | undefined {
    return this.byId.get(id)?.rec;
  }

  oldestFirst(): TrafficRecord[] {
    const out: TrafficRecord[] = [];
    for (let i = this.head; i < this.entries.length; i++) out.push(this.entries[i]!.rec);
    return out;
  }

  *newestFirst(): Generator<RecentCall> {
    for (let i = this.entries.length - 1; i >= this.head; i--) yield this.entries[i]!;
  }
}

function approxBytes(r: TrafficRecord): number {
  return 512 + (r.code?.length ?? 0) + (r.stdin?.length ?? 0) + (r.stdout?.length ?? 0) + (r.stderr?.length ?? 0) + (r.message?.length ?? 0);
}
