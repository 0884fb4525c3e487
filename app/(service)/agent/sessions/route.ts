import { listSessions } from "@/lib/service/agent-proxy/sessions";

export const dynamic = "force-dynamic";

// The agent proxy's sessions, newest first.
export function GET(): Response {
  return Response.json({ sessions: listSessions() });
}
