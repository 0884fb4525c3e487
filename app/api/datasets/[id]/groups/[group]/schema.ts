import { z } from "zod";

export const groupParamsSchema = z.object({ group: z.coerce.number().int().min(0) });
