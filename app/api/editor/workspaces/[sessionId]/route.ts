import { AppError } from "@/lib/errors";
import { withInput } from "@/lib/http/route";
import { unwrap } from "@/lib/result";
import { deleteEditorSession } from "@/lib/workspace/sessions";
import { loadWorkspace, patchWorkspace } from "@/lib/workspace/store";
import { workspaceParamsSchema, workspacePutSchema } from "./schema";

// A route handler rather than a server action: Next queues one client's actions, so a save
// would wait behind a long run, and the page sends its last edits with fetch keepalive on unload.

export const GET = withInput({ params: workspaceParamsSchema }, async ({ params }) => {
  const w = await loadWorkspace(params.sessionId);
  if (!w) throw new AppError("not_found:workspace", "This session has no saved workspace.");
  return w;
});

export const PUT = withInput({ params: workspaceParamsSchema, body: workspacePutSchema }, async ({ params, body }) => {
  const { seq, ...patch } = body;
  await patchWorkspace({ sessionId: params.sessionId, ...patch }, seq);
  return { saved: true };
});

/** The session list's Delete: the saved workspace and the session's sandboxes go. */
export const DELETE = withInput({ params: workspaceParamsSchema }, async ({ params }) => unwrap(await deleteEditorSession(params.sessionId)));
