import "server-only";
import { recordCall } from "@/lib/traffic/recorder";
import { clientOf } from "@/lib/traffic/client";
import type { TrafficOutcome } from "@/lib/traffic/types";

// One Traffic entry per agent-proxy call, whatever happened to it.

export function recordAgentCall(
  req: Request,
  c: { time: number; route: string; run_ms: number; http_status: number; outcome: TrafficOutcome; status: string; message?: string; sid?: string },
): void {
  const { ip, userAgent } = clientOf(req);
  recordCall({
    time: c.time,
    client: ip,
    ...(userAgent ? { user_agent: userAgent } : {}),
    api: "agent",
    route: c.route,
    method: req.method,
    http_status: c.http_status,
    outcome: c.outcome,
    status: c.status,
    ...(c.message ? { message: c.message } : {}),
    queue_ms: 0,
    run_ms: c.run_ms,
    ...(c.sid ? { session_id: c.sid } : {}),
  });
}
