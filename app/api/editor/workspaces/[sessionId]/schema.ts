import { z } from "zod";
import { sessionIdSchema } from "@/app/(playground)/editor/schema";
import { workspacePatchSchema } from "@/lib/workspace/schema";

export const workspaceParamsSchema = z.object({ sessionId: sessionIdSchema });
/** The body of PUT: a patch without the session id (it is in the path). */
export const workspacePutSchema = workspacePatchSchema.omit({ sessionId: true });
export type WorkspacePut = z.input<typeof workspacePutSchema>;
