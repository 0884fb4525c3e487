import "server-only";
import { serverEnv } from "@/lib/env";
import { globalStore } from "@/lib/global-store";
import { DiskLog, readNewestRecords } from "./disk-log";
import { QueueDepth } from "./queue-depth";
import { RecentCalls } from "./recent";
import { computeTrafficStats } from "./stats";
import type { TrafficRecord, TrafficRecordInput, TrafficStats } from "./types";

// Every call of the sandbox service API (/sandbox-fusion/*, /ms-enclave/*) passes through recordCall,
// which caps its fields, gives it an id and hands it to:
// - the recent buffer (recent.ts) that the Traffic page lists and searches;
// - live subscribers (the page's stream);
// - the rotating on-disk log (disk-log.ts), read back once after a restart;
// and samples the queue depth (queue-depth.ts) that trafficStats (stats.ts) charts.
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

interface State {
  recent: RecentCalls;
  log: DiskLog;
  depth: QueueDepth;
  subscribers: Set<(r: TrafficRecord) => void>;
  seq: number;
  loaded: boolean;
}

const fresh = (): State => ({ recent: new RecentCalls(), log: new DiskLog(), depth: new QueueDepth(), subscribers: new Set(), seq: 0, loaded: false });
const store = () => globalStore<State>("traffic-recorder", fresh);

export function trafficMode(): "on" | "memory" | "off" {
  return serverEnv().PLAYGROUND_TRAFFIC_LOG;
}

/** After a restart the page still shows the latest calls: read the newest records back, once. */
function loaded(): State {
  const st = store();
  if (st.loaded) return st;
  st.loaded = true;
  if (trafficMode() !== "on") return st;
  const newestFirst = readNewestRecords(RecentCalls.max);
  for (let k = newestFirst.length - 1; k >= 0; k--) {
    const rec = newestFirst[k]!;
    st.recent.push(rec, rec.time + rec.queue_ms + rec.run_ms);
  }
  return st;
}

function newId(st: State, now: number): string {
  st.seq = (st.seq + 1) % 1_679_616; // 36^4
  return `${now.toString(36)}${st.seq.toString(36).padStart(4, "0")}`;
}

/** The record as kept: fields over their cap cut (and said so), file lists capped at 200. */
function capped(input: TrafficRecordInput, id: string): TrafficRecord {
  const truncated: string[] = [...(input.truncated ?? [])];
  const sizes: Record<string, number> = { ...(input.original_sizes ?? {}) };
  const rec: TrafficRecord = { ...input, id };
  for (const field of Object.keys(trafficFieldCaps) as CappedField[]) {
    const value = rec[field];
    if (value === undefined || value.length <= trafficFieldCaps[field]) continue;
    rec[field] = value.slice(0, trafficFieldCaps[field]);
    if (!truncated.includes(field)) truncated.push(field);
    sizes[field] ??= value.length;
  }
  if (truncated.length > 0) rec.truncated = truncated;
  if (Object.keys(sizes).length > 0) rec.original_sizes = sizes;
  if (rec.files && rec.files.length > 200) rec.files = rec.files.slice(0, 200);
  if (rec.fetched_files && rec.fetched_files.length > 200) rec.fetched_files = rec.fetched_files.slice(0, 200);
  return rec;
}

/** Record one API call. Never throws. */
export function recordCall(input: TrafficRecordInput): void {
  try {
    const mode = trafficMode();
    if (mode === "off") return;
    const st = loaded();
    const now = Date.now();
    const rec = capped(input, newId(st, now));
    st.recent.push(rec, now);
    st.depth.sample(now);
    if (mode === "on") st.log.append(rec);
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

/** Resolves when every record handed to recordCall so far is on disk (tests, shutdown). */
export async function flushTrafficLog(): Promise<void> {
  await store().log.flush();
}

/** Live records; returns the unsubscribe function. */
export function subscribeTraffic(fn: (r: TrafficRecord) => void): () => void {
  const st = loaded();
  st.subscribers.add(fn);
  return () => {
    st.subscribers.delete(fn);
  };
}

/** The recent buffer, oldest first. */
export function recentTraffic(): TrafficRecord[] {
  return loaded().recent.oldestFirst();
}

export function getTrafficRecord(id: string): TrafficRecord | undefined {
  return loaded().recent.get(id);
}

/**
 * A queue reports its depth here (e.g. `registerQueueDepth("docker", () => q.waiting)`), so the
 * Traffic header shows it. Re-registering a name replaces the previous function.
 */
export function registerQueueDepth(name: string, depth: () => number): void {
  store().depth.register(name, depth);
}

/**
 * Rates over the last `windowMs` (default 5 minutes) by completion time, and a series of
 * `intervalMs` buckets (default 10 s) for the header's chart. Latency = queue wait + run time.
 */
export function trafficStats(opts?: { windowMs?: number; intervalMs?: number; now?: number }): TrafficStats {
  const st = loaded();
  const now = opts?.now ?? Date.now();
  const queueDepth = st.depth.sample(now);
  return computeTrafficStats({
    calls: st.recent.newestFirst(),
    depthSeries: st.depth.series(),
    queueDepth,
    recording: trafficMode(),
    now,
    windowMs: opts?.windowMs ?? 5 * 60_000,
    intervalMs: opts?.intervalMs ?? 10_000,
  });
}

/** Tests: forget everything in memory (the disk log stays). */
export function resetTrafficForTests(): void {
  Object.assign(store(), fresh());
}
