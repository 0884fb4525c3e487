import { rowQuerySchema } from "@/lib/data/query";
import type { AppErrorData } from "@/lib/errors";

/** GET /api/datasets/:id/search?q=&re=&cs=: streams the progress of a text/regex scan. */
export const searchSchema = rowQuerySchema.pick({ q: true, re: true, cs: true });
export type SearchInput = ReturnType<typeof searchSchema.parse>;

export type SearchEvent =
  | { type: "progress"; done: number; total: number; matches: number }
  | { type: "done"; matches: number; ms: number }
  | { type: "error"; message: string; error?: AppErrorData };
