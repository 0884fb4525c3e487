import "server-only";
import { globalStore } from "@/lib/global-store";
import { joinStreams } from "./tools/result";
import { LIVE_TAP_BYTES, type OutputTap, type ToolResult } from "./types";

// The whole output of the Editor's recent runs, as it is written: the page shows it live while a
// run goes on, the result keeps head and tail of a stream over the cap, and the whole of it can be
// downloaded while the server keeps it. Held in memory in a global store (route bundles of a production
// build each have their own module copy), bounded per stream and in the number of runs.

type Stream = "stdout" | "stderr";

interface LiveRun {
  chunks: { stream: Stream; data: Buffer }[];
  bytes: Record<Stream, number>;
  /** Bytes kept per stream; past MAX_KEEP a stream is counted, not kept. */
  kept: Record<Stream, number>;
  done: boolean;
}

/** Per stream: the local backend kills a run long before this (drainLimit of the 1 MiB cap); the Docker agent stops streaming at it. */
const MAX_KEEP = LIVE_TAP_BYTES;
/** Runs kept after they end (oldest dropped first). */
const MAX_RUNS = 12;

const runs = globalStore("editor-live-output", () => new Map<string, LiveRun>());

/** Starts recording a run's output; returns the tap to hand to the run. */
export function recordLiveOutput(runId: string): OutputTap {
  const run: LiveRun = { chunks: [], bytes: { stdout: 0, stderr: 0 }, kept: { stdout: 0, stderr: 0 }, done: false };
  runs.delete(runId);
  runs.set(runId, run);
  while (runs.size > MAX_RUNS) {
    const oldest = runs.keys().next().value;
    if (oldest === undefined) break;
    runs.delete(oldest);
  }
  return (stream, chunk) => {
    run.bytes[stream] += chunk.length;
    if (run.kept[stream] + chunk.length > MAX_KEEP) return;
    run.kept[stream] += chunk.length;
    run.chunks.push({ stream, data: Buffer.from(chunk) });
  };
}

export function endLiveOutput(runId: string) {
  const r = runs.get(runId);
  if (r) r.done = true;
}

export interface LiveOutputView {
  /** stdout and stderr as written, interleaved; at most the last `tail` bytes. */
  text: string;
  /** Bytes written so far (both streams). */
  bytes: number;
  /** Bytes before `text` that are not in it. */
  skipped: number;
  done: boolean;
}

/** What a run has written so far, its end only (the page polls this while the run goes on). */
export function liveOutputTail(runId: string, tail: number): LiveOutputView | null {
  const r = runs.get(runId);
  if (!r) return null;
  const parts: Buffer[] = [];
  let size = 0;
  for (let i = r.chunks.length - 1; i >= 0 && size < tail; i--) {
    const d = r.chunks[i]!.data;
    const take = size + d.length > tail ? d.subarray(d.length - (tail - size)) : d;
    parts.unshift(take);
    size += take.length;
  }
  const bytes = r.bytes.stdout + r.bytes.stderr;
  return { text: Buffer.concat(parts).toString("utf8"), bytes, skipped: bytes - size, done: r.done };
}

/** One stream of a run, whole (as far as it was kept), or null when the server no longer has it. */
export function wholeStream(runId: string, stream: Stream): { data: Buffer; written: number; complete: boolean } | null {
  const r = runs.get(runId);
  if (!r) return null;
  const data = Buffer.concat(r.chunks.filter((c) => c.stream === stream).map((c) => c.data));
  return { data, written: r.bytes[stream], complete: r.kept[stream] === r.bytes[stream] };
}

/** Head and tail of a stream in `limit` bytes, cut on character boundaries, and what was dropped. */
export function headAndTail(data: Buffer, limit: number): { text: string; at: number; dropped: number } {
  const half = Math.floor(limit / 2);
  const head = data.subarray(0, utf8Boundary(data, half));
  const tail = data.subarray(utf8Boundary(data, data.length - half));
  const headText = head.toString("utf8");
  return { text: headText + tail.toString("utf8"), at: headText.length, dropped: data.length - head.length - tail.length };
}

/** The nearest index at or after `i` that does not split a UTF-8 character. */
function utf8Boundary(b: Buffer, i: number): number {
  let j = Math.max(0, Math.min(i, b.length));
  while (j < b.length && (b[j]! & 0xc0) === 0x80) j++;
  return j;
}

/**
 * A finished run's result, with each stream that went over the cap shown as head and tail of the
 * whole output (instead of the head only) and a link to the whole output.
 */
export function withWholeOutput(runId: string, r: ToolResult): ToolResult {
  endLiveOutput(runId);
  if (!r.truncated || !r.output_bytes) return r;
  const limit = r.output_bytes.limit;
  const cut: NonNullable<ToolResult["output_cut"]> = {};
  const next: ToolResult = { ...r, full_output_url: `/api/runs/${encodeURIComponent(runId)}/output` };
  for (const stream of ["stdout", "stderr"] as const) {
    const whole = wholeStream(runId, stream);
    if (!whole || !whole.complete || whole.written <= limit || r[stream] === undefined) continue;
    const { text, at, dropped } = headAndTail(whole.data, limit);
    next[stream] = text;
    cut[stream] = { at, dropped, written: whole.written };
  }
  // A stream the tap did not get whole (a Docker agent before "tap", a flood past LIVE_TAP_BYTES): its head-only result stands.
  if (!cut.stdout && !cut.stderr) return r;
  // A process tool's output is its two streams joined: it follows them.
  if (r.output === joinStreams(r.stdout ?? "", r.stderr ?? "")) next.output = joinStreams(next.stdout ?? "", next.stderr ?? "");
  return { ...next, output_cut: cut };
}
