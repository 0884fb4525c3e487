import "server-only";
import { createHash } from "node:crypto";
import { defaultTokens } from "./api";
import { clientOf } from "@/lib/traffic/client";
import { recordCall } from "@/lib/traffic/recorder";
import { agentSessionOfCall } from "@/lib/service/agent-proxy/sessions";
import type { TrafficApi, TrafficOutcome, TrafficRecordInput } from "@/lib/traffic/types";

// The one way a service call reaches the Traffic page: who called what (from the request), plus
// the fields the API's translation fills in (what ran, what came back).

/** What an API says about one call; the rest of the record comes from the request. */
export type TrafficFields = Partial<Omit<TrafficRecordInput, "time" | "client" | "user_agent" | "key_id" | "api" | "route" | "method">>;

export interface CallOrigin {
  api: TrafficApi;
  route: string;
  request: Request;
  /** ms since epoch when the request arrived. */
  time: number;
}

/** A refusal's outcome: the request never ran (a timeout or gateway error still counts as rejected). */
export function refusalOutcome(status: number): TrafficOutcome {
  return status >= 500 && status !== 503 && status !== 504 ? "sandbox_error" : "rejected";
}

/** Records one call. Never throws (the recorder swallows its own failures). */
export function recordServiceCall(origin: CallOrigin, fields: TrafficFields & Pick<TrafficRecordInput, "http_status">): void {
  const { ip, userAgent } = clientOf(origin.request);
  const status = fields.status ?? String(fields.http_status);
  recordCall({
    time: origin.time,
    client: ip,
    ...(userAgent ? { user_agent: userAgent } : {}),
    ...keyOf(origin.request),
    api: origin.api,
    route: origin.route,
    method: origin.request.method.toUpperCase(),
    outcome: fields.outcome ?? (fields.http_status < 400 ? "success" : refusalOutcome(fields.http_status)),
    queue_ms: 0,
    run_ms: 0,
    ...sessionOf(origin, fields),
    ...dropUndefined(fields),
    status,
  });
}

/**
 * A sandbox call made with an agent session's key, naming it (X-Agent-Session, E2B metadata), or on
 * a sandbox an earlier such call created or used, joins that session's timeline.
 */
function sessionOf(origin: CallOrigin, fields: TrafficFields): { session_id?: string } {
  if (origin.api === "agent") return {};
  const sid = agentSessionOfCall(origin.request, fields);
  return sid ? { session_id: sid } : {};
}

/** Tells keys apart in Traffic (two jobs, two E2B keys) without keeping one: a short hash. */
function keyOf(request: Request): { key_id?: string } {
  const k = defaultTokens(request).find((t) => t);
  return k ? { key_id: createHash("sha256").update(k).digest("hex").slice(0, 8) } : {};
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
