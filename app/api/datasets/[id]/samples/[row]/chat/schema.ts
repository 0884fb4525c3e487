import { z } from "zod";

/** GET /api/datasets/:id/samples/:row/chat?turn=: the sample as a Chat hand-off. */
export const chatHandoffSchema = z.object({ turn: z.coerce.number().int().min(0).default(0) });
export type { ChatHandoff } from "@/lib/data/chat-link";
