import "server-only";
import fs from "node:fs";
import path from "node:path";
import { serverEnv } from "@/lib/env";
import { trafficRecordSchema, type TrafficRecord } from "./types";

// The rotating on-disk NDJSON log under <state dir>/traffic, capped at PLAYGROUND_TRAFFIC_LOG_MB:
// four segments of cap/4, and rotation drops the oldest segment, so the newest calls are kept.
// Appends are queued and written in the background: a call never waits for the disk, and a log
// that cannot be written is reported once and then skipped.

const segments = 4;

export function trafficLogDir(): string {
  return path.resolve(serverEnv().PLAYGROUND_STATE_DIR, "traffic");
}

function segmentPath(dir: string, i: number): string {
  return path.join(dir, i === 0 ? "traffic.ndjson" : `traffic.${i}.ndjson`);
}

function segmentBytes(): number {
  return Math.max(4096, Math.floor((serverEnv().PLAYGROUND_TRAFFIC_LOG_MB * 1024 * 1024) / segments));
}

export class DiskLog {
  private dir = "";
  private pending: string[] = [];
  private flushing: Promise<void> | null = null;
  private size: number | null = null;
  private warned = false;

  append(rec: TrafficRecord): void {
    const dir = trafficLogDir();
    if (this.dir !== dir) {
      this.dir = dir;
      this.size = null;
    }
    this.pending.push(`${JSON.stringify(rec)}\n`);
    this.startDrain();
  }

  /** Resolves when every record appended so far is on disk. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private startDrain(): void {
    if (this.flushing) return;
    this.flushing = this.drain().finally(() => {
      this.flushing = null;
      // A line may arrive between the drain's last check and this callback.
      if (this.pending.length > 0) this.startDrain();
    });
  }

  private async drain(): Promise<void> {
    const fsp = fs.promises;
    while (this.pending.length > 0) {
      const dir = this.dir;
      const cap = segmentBytes();
      try {
        await fsp.mkdir(dir, { recursive: true });
        if (this.size === null) this.size = await fsp.stat(segmentPath(dir, 0)).then((s) => s.size, () => 0);
        // Take as many lines as fit in the current segment (at least one, so a huge line still lands).
        let chunk = "";
        let bytes = 0;
        let taken = 0;
        while (taken < this.pending.length) {
          const b = Buffer.byteLength(this.pending[taken]!);
          if (taken > 0 && this.size + bytes + b > cap) break;
          if (taken === 0 && this.size > 0 && this.size + b > cap) break;
          chunk += this.pending[taken]!;
          bytes += b;
          taken += 1;
        }
        if (taken === 0) {
          await rotate(dir);
          this.size = 0;
          continue;
        }
        this.pending.splice(0, taken);
        await fsp.appendFile(segmentPath(dir, 0), chunk);
        this.size += bytes;
        if (this.size >= cap) {
          await rotate(dir);
          this.size = 0;
        }
      } catch (e) {
        if (!this.warned) console.error("[traffic] the call log could not be written; calls stay in memory only", e);
        this.warned = true;
        this.pending.length = 0;
        this.size = null;
      }
    }
  }
}

async function rotate(dir: string): Promise<void> {
  const fsp = fs.promises;
  await fsp.rm(segmentPath(dir, segments - 1), { force: true });
  for (let i = segments - 2; i >= 0; i--) {
    await fsp.rename(segmentPath(dir, i), segmentPath(dir, i + 1)).catch(() => undefined);
  }
}

/**
 * The newest `max` valid records on disk, newest first (after a restart). Parses from the newest
 * end and stops there: segment 0 is the newest, and lines in a segment run oldest to newest.
 */
export function readNewestRecords(max: number): TrafficRecord[] {
  const dir = trafficLogDir();
  const newestFirst: TrafficRecord[] = [];
  for (let i = 0; i < segments && newestFirst.length < max; i++) {
    let text: string;
    try {
      text = fs.readFileSync(segmentPath(dir, i), "utf8");
    } catch {
      continue;
    }
    const lines = text.split("\n");
    for (let j = lines.length - 1; j >= 0 && newestFirst.length < max; j--) {
      const line = lines[j];
      if (!line) continue;
      try {
        const parsed = trafficRecordSchema.safeParse(JSON.parse(line));
        if (parsed.success) newestFirst.push(parsed.data);
      } catch {
        /* a torn last line after a crash */
      }
    }
  }
  return newestFirst;
}
