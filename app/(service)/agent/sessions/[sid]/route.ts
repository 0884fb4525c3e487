import { appError, errorResponse } from "@/lib/errors";
import { dropSession, getSession, summary } from "@/lib/service/agent-proxy/sessions";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ sid: string }> };

// One session: its summary and recorded turns.
export async function GET(_req: Request, ctx: Ctx): Promise<Response> {
  const { sid } = await ctx.params;
  const s = getSession(sid);
  if (!s) return errorResponse(appError("not_found:agent_session", `No agent session ${JSON.stringify(sid)}.`));
  return Response.json({ session: summary(s), turns: s.turns, ...(s.finished ? { finished: s.finished } : {}) });
}

// Drops a session's turns; the id stays closed, so an agent still running with it is refused.
export async function DELETE(_req: Request, ctx: Ctx): Promise<Response> {
  const { sid } = await ctx.params;
  const s = getSession(sid);
  if (!s) return errorResponse(appError("not_found:agent_session", `No agent session ${JSON.stringify(sid)}.`));
  await dropSession(s);
  return Response.json({ session: summary(s) });
}
