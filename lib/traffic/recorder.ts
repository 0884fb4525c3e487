import "server-only";
import fs from "node:fs";
import path from "node:path";
import { serverEnv } from "@/lib/env";
import { globalStore } from "@/lib/global-store";
import { percentile } from "@/lib/percentile";
import {
  isErrorOutcome,
  trafficRecordSchema,
  type TrafficBucket,
  type TrafficRecord,
  type TrafficRecordInput,
  type TrafficStats,
} from "./types";

// Every call of the sandbox service API (/sandbox-fusion/*, /ms-enclave/*) passes through recordCall:
// - an in-memory recent buffer (bounded by count and bytes) that the Traffic page lists and searches;
// - live pub/sub for the page's stream;
// - a rotating on-disk NDJSON log under <state dir>/traffic, capped at PLAYGROUND_TRAFFIC_LOG_MB
//   (four segments of cap/4; rotation drops the oldest segment, so the newest calls are kept).
// PLAYGROUND_TRAFFIC_LOG=off records nothing; =memory skips the disk log.
// recordCall never throws and never blocks on disk: a training job's request must not fail because
// the log could not be written.

/** Per-field caps (characters) so one 2 MB stdout cannot blow the log or the browser. */
export const trafficFieldCaps = {
  code: 256 * 1024,
  stdin: 64 * 1024,
  stdout: 64 * 1024,
  stderr: 64 * 1024,
  message: 8 * 1024,
} as const;
type CappedField = keyof typeof trafficFieldCaps;

const maxRecent = 10_000;
const maxRecentBytes = 96 * 1024 * 1024;
const segments = 4;
/** How long per-bucket queue-depth samples are kept. */
const seriesKeepMs = 60 * 60 * 1000;

interface Entry {
  rec: TrafficRecord;
  /** ms since epoch when the call finished (when it was recorded). */
  done: number;
  bytes: number;
}

interface State {
  entries: Entry[];
  /** Index of the oldest live entry in `entries` (amortised O(1) drops). */
  head: number;
  bytes: number;
  byId: Map<string, Entry>;
  subscribers: Set<(r: TrafficRecord) => void>;
  gauges: Map<string, () => number>;
  /** Max queue depth seen per second (key: second since epoch). */
  depthSamples: Map<number, number>;
  seq: number;
  loaded: boolean;
  writer: {
    dir: string;
    pending: string[];
    flushing: Promise<void> | null;
    size: number | null;
    warned: boolean;
  };
}

const store = () =>
  globalStore<State>("traffic-recorder", () => ({
    entries: [],
    head: 0,
    bytes: 0,
    byId: new Map(),
    subscribers: new Set(),
    gauges: new Map(),
    depthSamples: new Map(),
    seq: 0,
    loaded: false,
    writer: { dir: "", pending: [], flushing: null, size: null, warned: false },
  }));

export function trafficMode(): "on" | "memory" | "off" {
  return serverEnv().PLAYGROUND_TRAFFIC_LOG;
}

export function trafficLogDir(): string {
  return path.resolve(serverEnv().PLAYGROUND_STATE_DIR, "traffic");
}

function segmentPath(dir: string, i: number): string {
  return path.join(dir, i === 0 ? "traffic.ndjson" : `traffic.${i}.ndjson`);
}

function segmentBytes(): number {
  return Math.max(4096, Math.floor((serverEnv().PLAYGROUND_TRAFFIC_LOG_MB * 1024 * 1024) / segments));
}

function cut(s: string | undefined, cap: number): { value: string | undefined; cut: boolean } {
  if (s === undefined || s.length <= cap) return { value: s, cut: false };
  return { value: s.slice(0, cap), cut: true };
}

function newId(st: State, now: number): string {
  st.seq = (st.seq + 1) % 1_679_616; // 36^4
  return `${now.toString(36)}${st.seq.toString(36).padStart(4, "0")}`;
}

function approxBytes(r: TrafficRecord): number {
  return 512 + (r.code?.length ?? 0) + (r.stdin?.length ?? 0) + (r.stdout?.length ?? 0) + (r.stderr?.length ?? 0) + (r.message?.length ?? 0);
}

function push(st: State, e: Entry): void {
  st.entries.push(e);
  st.byId.set(e.rec.id, e);
  st.bytes += e.bytes;
  while (st.entries.length - st.head > maxRecent || (st.bytes > maxRecentBytes && st.entries.length - st.head > 1)) {
    const old = st.entries[st.head]!;
    st.head += 1;
    st.bytes -= old.bytes;
    st.byId.delete(old.rec.id);
  }
  if (st.head > 1024 && st.head * 2 > st.entries.length) {
    st.entries = st.entries.slice(st.head);
    st.head = 0;
  }
}

/** After a restart the page still shows the latest calls: read the newest segments back, once. */
function ensureLoaded(st: State): void {
  if (st.loaded) return;
  st.loaded = true;
  if (trafficMode() !== "on") return;
  const dir = trafficLogDir();
  // Only the newest maxRecent records are kept, so parse from the newest end and stop there:
  // segment 0 is the newest, and lines in a segment run oldest to newest.
  const newestFirst: Entry[] = [];
  for (let i = 0; i < segments && newestFirst.length < maxRecent; i++) {
    let text: string;
    try {
      text = fs.readFileSync(segmentPath(dir, i), "utf8");
    } catch {
      continue;
    }
    const lines = text.split("\n");
    for (let j = lines.length - 1; j >= 0 && newestFirst.length < maxRecent; j--) {
      const line = lines[j];
      if (!line) continue;
      try {
        const parsed = trafficRecordSchema.safeParse(JSON.parse(line));
        if (!parsed.success) continue;
        const rec = parsed.data;
        newestFirst.push({ rec, done: rec.time + rec.queue_ms + rec.run_ms, bytes: approxBytes(rec) });
      } catch {
        /* a torn last line after a crash */
      }
    }
  }
  for (let k = newestFirst.length - 1; k >= 0; k--) push(st, newestFirst[k]!);
}

/** Record one API call. Never throws. */
export function recordCall(input: TrafficRecordInput): void {
  try {
    const mode = trafficMode();
    if (mode === "off") return;
    const st = store();
    ensureLoaded(st);
    const now = Date.now();
    const truncated: string[] = [...(input.truncated ?? [])];
    const sizes: Record<string, number> = { ...(input.original_sizes ?? {}) };
    const rec: TrafficRecord = { ...input, id: newId(st, now) };
    for (const field of Object.keys(trafficFieldCaps) as CappedField[]) {
      const before = rec[field]?.length ?? 0;
      const c = cut(rec[field], trafficFieldCaps[field]);
      if (c.cut) {
        rec[field] = c.value;
        if (!truncated.includes(field)) truncated.push(field);
        sizes[field] ??= before;
      }
    }
    if (truncated.length > 0) rec.truncated = truncated;
    if (Object.keys(sizes).length > 0) rec.original_sizes = sizes;
    if (rec.files && rec.files.length > 200) rec.files = rec.files.slice(0, 200);
    if (rec.fetched_files && rec.fetched_files.length > 200) rec.fetched_files = rec.fetched_files.slice(0, 200);
    push(st, { rec, done: now, bytes: approxBytes(rec) });
    sampleDepth(st, now);
    if (mode === "on") enqueueWrite(st, `${JSON.stringify(rec)}\n`);
    for (const fn of st.subscribers) {
      try {
        fn(rec);
      } catch (e) {
        console.error("[traffic] subscriber failed", e);
      }
    }
  } catch (e) {
    console.error("[traffic] could not record a call", e);
  }
}

function enqueueWrite(st: State, line: string): void {
  const w = st.writer;
  const dir = trafficLogDir();
  if (w.dir !== dir) {
    w.dir = dir;
    w.size = null;
  }
  w.pending.push(line);
  startDrain(st);
}

function startDrain(st: State): void {
  const w = st.writer;
  if (w.flushing) return;
  w.flushing = drain(st).finally(() => {
    w.flushing = null;
    // A line may arrive between the drain's last check and this callback.
    if (w.pending.length > 0) startDrain(st);
  });
}

async function drain(st: State): Promise<void> {
  const w = st.writer;
  const fsp = fs.promises;
  while (w.pending.length > 0) {
    const dir = w.dir;
    const cap = segmentBytes();
    try {
      await fsp.mkdir(dir, { recursive: true });
      if (w.size === null) w.size = await fsp.stat(segmentPath(dir, 0)).then((s) => s.size, () => 0);
      // Take as many lines as fit in the current segment (at least one, so a huge line still lands).
      let chunk = "";
      let bytes = 0;
      let taken = 0;
      while (taken < w.pending.length) {
        const b = Buffer.byteLength(w.pending[taken]!);
        if (taken > 0 && w.size + bytes + b > cap) break;
        if (taken === 0 && w.size > 0 && w.size + b > cap) break;
        chunk += w.pending[taken]!;
        bytes += b;
        taken += 1;
      }
      if (taken === 0) {
        await rotate(dir);
        w.size = 0;
        continue;
      }
      w.pending.splice(0, taken);
      await fsp.appendFile(segmentPath(dir, 0), chunk);
      w.size += bytes;
      if (w.size >= cap) {
        await rotate(dir);
        w.size = 0;
      }
    } catch (e) {
      if (!w.warned) console.error("[traffic] the call log could not be written; calls stay in memory only", e);
      w.warned = true;
      w.pending.length = 0;
      w.size = null;
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

/** Resolves when every record handed to recordCall so far is on disk (tests, shutdown). */
export async function flushTrafficLog(): Promise<void> {
  const w = store().writer;
  while (w.flushing) await w.flushing;
}

/** Live records; returns the unsubscribe function. */
export function subscribeTraffic(fn: (r: TrafficRecord) => void): () => void {
  const st = store();
  ensureLoaded(st);
  st.subscribers.add(fn);
  return () => {
    st.subscribers.delete(fn);
  };
}

/** The recent buffer, oldest first. */
export function recentTraffic(): TrafficRecord[] {
  const st = store();
  ensureLoaded(st);
  const out: TrafficRecord[] = [];
  for (let i = st.head; i < st.entries.length; i++) out.push(st.entries[i]!.rec);
  return out;
}

export function getTrafficRecord(id: string): TrafficRecord | undefined {
  const st = store();
  ensureLoaded(st);
  return st.byId.get(id)?.rec;
}

/**
 * A queue reports its depth here (e.g. `registerQueueDepth("docker", () => q.waiting)`), so the
 * Traffic header shows it. Re-registering a name replaces the previous function.
 */
export function registerQueueDepth(name: string, depth: () => number): void {
  store().gauges.set(name, depth);
}

function currentDepth(st: State): number {
  let total = 0;
  for (const [name, fn] of st.gauges) {
    try {
      const d = fn();
      if (Number.isFinite(d) && d > 0) total += d;
    } catch (e) {
      console.error(`[traffic] queue depth "${name}" failed`, e);
    }
  }
  return total;
}

function sampleDepth(st: State, now: number): number {
  const depth = currentDepth(st);
  const sec = Math.floor(now / 1000);
  st.depthSamples.set(sec, Math.max(st.depthSamples.get(sec) ?? 0, depth));
  if (st.depthSamples.size > seriesKeepMs / 1000) {
    const minSec = sec - seriesKeepMs / 1000;
    for (const k of st.depthSamples.keys()) if (k < minSec) st.depthSamples.delete(k);
  }
  return depth;
}

const byNumber = (a: number, b: number) => a - b;

/**
 * Rates over the last `windowMs` (default 5 minutes) by completion time, and a series of
 * `intervalMs` buckets (default 10 s) for the header's chart. Latency = queue wait + run time.
 */
export function trafficStats(opts?: { windowMs?: number; intervalMs?: number; now?: number }): TrafficStats {
  const st = store();
  ensureLoaded(st);
  const now = opts?.now ?? Date.now();
  const windowMs = opts?.windowMs ?? 5 * 60_000;
  const intervalMs = Math.max(1000, opts?.intervalMs ?? 10_000);
  const queueDepth = sampleDepth(st, now);
  const from = now - windowMs;
  const firstBucket = Math.floor(from / intervalMs) * intervalMs;
  const nBuckets = Math.floor((now - firstBucket) / intervalMs) + 1;
  const lat: number[][] = Array.from({ length: nBuckets }, () => []);
  const buckets: TrafficBucket[] = Array.from({ length: nBuckets }, (_, i) => ({
    start: firstBucket + i * intervalMs,
    calls: 0,
    errors: 0,
    timeouts: 0,
    p50_ms: null,
    p95_ms: null,
    queue_depth: 0,
  }));
  const all: number[] = [];
  let calls = 0;
  let errors = 0;
  let timeouts = 0;
  for (let i = st.entries.length - 1; i >= st.head; i--) {
    const e = st.entries[i]!;
    if (e.done < from) break;
    if (e.done > now) continue;
    const l = e.rec.queue_ms + e.rec.run_ms;
    calls += 1;
    all.push(l);
    const isErr = isErrorOutcome(e.rec.outcome);
    const isTimeout = e.rec.outcome === "timeout";
    if (isErr) errors += 1;
    if (isTimeout) timeouts += 1;
    const b = Math.floor((e.done - firstBucket) / intervalMs);
    if (b >= 0 && b < nBuckets) {
      buckets[b]!.calls += 1;
      if (isErr) buckets[b]!.errors += 1;
      if (isTimeout) buckets[b]!.timeouts += 1;
      lat[b]!.push(l);
    }
  }
  for (let i = 0; i < nBuckets; i++) {
    const s = lat[i]!.sort(byNumber);
    buckets[i]!.p50_ms = percentile(s, 0.5);
    buckets[i]!.p95_ms = percentile(s, 0.95);
  }
  for (const [sec, d] of st.depthSamples) {
    const b = Math.floor((sec * 1000 - firstBucket) / intervalMs);
    if (b >= 0 && b < nBuckets) buckets[b]!.queue_depth = Math.max(buckets[b]!.queue_depth, d);
  }
  all.sort(byNumber);
  return {
    now,
    window_ms: windowMs,
    interval_ms: intervalMs,
    calls,
    calls_per_s: calls / (windowMs / 1000),
    p50_ms: percentile(all, 0.5),
    p95_ms: percentile(all, 0.95),
    queue_depth: queueDepth,
    error_rate: calls ? errors / calls : 0,
    timeout_rate: calls ? timeouts / calls : 0,
    series: buckets,
    recording: trafficMode(),
  };
}

/** Tests: forget everything in memory (the disk log stays). */
export function resetTrafficForTests(): void {
  const st = store();
  st.entries = [];
  st.head = 0;
  st.bytes = 0;
  st.byId.clear();
  st.subscribers.clear();
  st.gauges.clear();
  st.depthSamples.clear();
  st.loaded = false;
  st.writer = { dir: "", pending: [], flushing: null, size: null, warned: false };
}
