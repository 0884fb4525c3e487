// The Traffic page's filters: parsed from and written to the URL, applied on the server to full
// records (so text search sees whole code and output), and the light row shape the table streams.
// Client code may import this module.
import { z } from "zod";
import { clientName } from "./client";
import { isErrorOutcome, trafficOutcomes, type TrafficOutcome, type TrafficRecord } from "./types";

export const trafficFilterSchema = z.object({
  /** Outcomes to show (none = all). */
  status: z.array(z.enum(trafficOutcomes)).default([]),
  language: z.string().max(40).optional(),
  /** Substring of the client address, user agent, key id or session. */
  client: z.string().max(200).optional(),
  /** Only calls whose queue wait + run time is at least this many ms. */
  slow: z.number().int().nonnegative().optional(),
  /** Only failed, timed-out, sandbox-error and rejected calls. */
  errors: z.boolean().default(false),
  /** Case-insensitive text in the code, stdin, stdout, stderr or message. */
  q: z.string().max(500).optional(),
});
export type TrafficFilter = z.infer<typeof trafficFilterSchema>;

type ParamSource = URLSearchParams | Record<string, string | string[] | undefined>;

function get(src: ParamSource, k: string): string | undefined {
  if (src instanceof URLSearchParams) return src.get(k) ?? undefined;
  const v = src[k];
  return typeof v === "string" ? v : undefined;
}

/** Lenient: a bad value is dropped, not an error (URLs are typed by people). */
export function parseTrafficFilter(src: ParamSource): TrafficFilter {
  const statuses = (get(src, "status") ?? "")
    .split(",")
    .filter((s): s is TrafficOutcome => (trafficOutcomes as readonly string[]).includes(s));
  const slowRaw = Number(get(src, "slow"));
  const f: TrafficFilter = {
    status: [...new Set(statuses)],
    errors: get(src, "errors") === "1",
  };
  const language = get(src, "language")?.trim();
  if (language) f.language = language.slice(0, 40);
  const client = get(src, "client")?.trim();
  if (client) f.client = client.slice(0, 200);
  if (Number.isFinite(slowRaw) && slowRaw > 0) f.slow = Math.floor(slowRaw);
  const q = get(src, "q");
  if (q) f.q = q.slice(0, 500);
  return f;
}

export function trafficFilterParams(f: TrafficFilter): URLSearchParams {
  const p = new URLSearchParams();
  if (f.status.length) p.set("status", f.status.join(","));
  if (f.language) p.set("language", f.language);
  if (f.client) p.set("client", f.client);
  if (f.slow) p.set("slow", String(f.slow));
  if (f.errors) p.set("errors", "1");
  if (f.q) p.set("q", f.q);
  return p;
}

export function latencyMs(r: Pick<TrafficRecord, "queue_ms" | "run_ms">): number {
  return r.queue_ms + r.run_ms;
}

function has(hay: string | undefined, needle: string): boolean {
  return hay !== undefined && hay.toLowerCase().includes(needle);
}

export function matchesTrafficFilter(r: TrafficRecord, f: TrafficFilter): boolean {
  if (f.status.length && !f.status.includes(r.outcome)) return false;
  if (f.errors && !(isErrorOutcome(r.outcome) || r.outcome === "timeout")) return false;
  if (f.language && (r.language ?? "").toLowerCase() !== f.language.toLowerCase()) return false;
  if (f.client) {
    const c = f.client.toLowerCase();
    if (!has(r.client, c) && !has(r.user_agent, c) && !has(r.key_id, c) && !has(r.session_id, c)) return false;
  }
  if (f.slow !== undefined && latencyMs(r) < f.slow) return false;
  if (f.q) {
    const q = f.q.toLowerCase();
    if (!has(r.code, q) && !has(r.stdout, q) && !has(r.stderr, q) && !has(r.stdin, q) && !has(r.message, q)) return false;
  }
  return true;
}

/** One table row: everything but the big fields, which come as short heads. */
export interface TrafficRow {
  id: string;
  time: number;
  client: string;
  user_agent?: string;
  /** The client's name from its User-Agent (clientName). */
  client_name?: string;
  key_id?: string;
  session_id?: string;
  api: TrafficRecord["api"];
  route: string;
  method: string;
  http_status: number;
  language?: string;
  outcome: TrafficOutcome;
  status: string;
  return_code?: number | null;
  queue_ms: number;
  run_ms: number;
  backend?: string;
  tool_name?: string;
  /** ms the call waited for a cold sandbox (none was ready in the warm pool). */
  cold_ms?: number;
  /** First line(s) of the code, at most 160 characters. */
  code_head: string;
  /** Start of stdout, else stderr, else the message; at most 160 characters. */
  out_head: string;
  files: number;
}

const HEAD = 160;

function head(s: string | undefined): string {
  if (!s) return "";
  return s.length > HEAD ? `${s.slice(0, HEAD)}…` : s;
}

export function toTrafficRow(r: TrafficRecord): TrafficRow {
  const name = clientName(r.user_agent);
  return {
    id: r.id,
    time: r.time,
    client: r.client,
    ...(r.user_agent ? { user_agent: r.user_agent.slice(0, 80) } : {}),
    ...(name ? { client_name: name } : {}),
    ...(r.key_id ? { key_id: r.key_id } : {}),
    ...(r.session_id ? { session_id: r.session_id.slice(0, 80) } : {}),
    api: r.api,
    route: r.route,
    method: r.method,
    http_status: r.http_status,
    ...(r.language ? { language: r.language } : {}),
    outcome: r.outcome,
    status: r.status,
    ...(r.return_code !== undefined ? { return_code: r.return_code } : {}),
    queue_ms: r.queue_ms,
    run_ms: r.run_ms,
    ...(r.backend ? { backend: r.backend } : {}),
    ...(r.tool_name ? { tool_name: r.tool_name } : {}),
    ...(r.cold_ms !== undefined ? { cold_ms: r.cold_ms } : {}),
    code_head: head(r.code),
    out_head: head(r.stdout || r.stderr || r.message),
    files: (r.files?.length ?? 0) + (r.fetched_files?.length ?? 0),
  };
}

/** What the stream route sends, one JSON object per line. */
export type TrafficStreamEvent =
  | { type: "snapshot"; rows: TrafficRow[]; total: number; recording: "on" | "memory" | "off" }
  /** New calls since the last event, oldest first (batched every ~250 ms). */
  | { type: "rows"; rows: TrafficRow[] }
  | { type: "stats"; stats: import("./types").TrafficStats }
  | { type: "error"; message: string };
