import { z } from "zod";

export const agentSessionParamsSchema = z.object({ sid: z.string().min(1).max(2000) });
/** `since`: the session's `version` the page already has; an unchanged session answers `{unchanged: true}`. */
/** `turns`: the newest turn rows to send (0 = all). */
export const agentViewQuerySchema = z.object({ since: z.coerce.number().optional(), turns: z.coerce.number().int().min(0).default(100) });
export const agentIndexParamsSchema = agentSessionParamsSchema.extend({ index: z.coerce.number().int().min(0) });
export type AgentIndexParams = z.infer<typeof agentIndexParamsSchema>;
