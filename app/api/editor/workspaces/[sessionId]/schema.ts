import { z } from "zod";
import { sessionIdSchema } from "@/lib/workspace/schema";
import { workspacePatchSchema } from "@/lib/workspace/schema";

export const workspaceParamsSchema = z.object({ sessionId: sessionIdSchema });
/** The body of PUT: a patch without the session id (it is in the path), and the save's number. */
export const workspacePutSchema = workspacePatchSchema.omit({ sessionId: true }).extend({
  /** Increasing per browser tab; a page load may wait for a given save (see `workspaceFlushCookie`). */
  seq: z.number().int().nonnegative().optional(),
});
export type WorkspacePut = z.input<typeof workspacePutSchema>;
