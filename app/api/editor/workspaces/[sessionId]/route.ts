import { errorResponse, zodIssuesMessage } from "@/lib/errors";
import { loadWorkspace, patchWorkspace } from "@/lib/workspace/store";
import { workspaceParamsSchema, workspacePutSchema } from "./schema";

// A route handler rather than a server action: Next queues one client's actions, so a save
// would wait behind a long run, and the page sends its last edits with fetch keepalive on unload.

type Ctx = { params: Promise<{ sessionId: string }> };

export async function GET(_req: Request, ctx: Ctx) {
  const p = workspaceParamsSchema.safeParse(await ctx.params);
  if (!p.success) return errorResponse({ code: "bad_request:session", message: zodIssuesMessage(p.error.issues) });
  const w = await loadWorkspace(p.data.sessionId);
  return w ? Response.json(w) : errorResponse({ code: "not_found:workspace", message: "This session has no saved workspace." });
}

export async function PUT(req: Request, ctx: Ctx) {
  const p = workspaceParamsSchema.safeParse(await ctx.params);
  if (!p.success) return errorResponse({ code: "bad_request:session", message: zodIssuesMessage(p.error.issues) });
  const body = workspacePutSchema.safeParse(await req.json().catch(() => null));
  if (!body.success) return errorResponse({ code: "bad_request:body", message: zodIssuesMessage(body.error.issues) });
  const { seq, ...patch } = body.data;
  await patchWorkspace({ sessionId: p.data.sessionId, ...patch }, seq);
  return Response.json({ saved: true });
}
