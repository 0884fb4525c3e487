// Filters and sorting for the sample list. The same schema parses the URL on the page,
// the query string of the rows route and the body of batch actions.
import { z } from "zod";

export const sortKeys = ["row", "step", "index", "group", "status", "reward", "acc", "tool_calls", "response_length", "rescored", "lp_max", "lp_mean"] as const;
export type SortKey = (typeof sortKeys)[number];

const optNumber = z
  .union([z.number(), z.string()])
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === "") return undefined;
    const n = typeof v === "number" ? v : Number(v);
    if (!Number.isFinite(n)) {
      ctx.addIssue({ code: "custom", message: "not a number" });
      return z.NEVER;
    }
    return n;
  });
const optFlag = z
  .union([z.boolean(), z.enum(["1", "0", "true", "false", ""])])
  .optional()
  .transform((v) => v === true || v === "1" || v === "true");

export const rowQuerySchema = z.object({
  /** Comma-separated statuses; "(none)" selects rows without a status. */
  status: z.string().max(500).optional(),
  rmin: optNumber,
  rmax: optNumber,
  tcmin: optNumber,
  tcmax: optNumber,
  err: optFlag,
  /** Only rows whose recomputed reward differs from the recorded one. */
  disagree: optFlag,
  /** Only rows whose re-execution did not match. */
  mismatch: optFlag,
  group: optNumber,
  /** Only rows of groups (2+ samples) whose rewards are all the same: GRPO learns nothing from them. */
  same: optFlag,
  /** Train dumps: only rows whose max |log_probs − rollout_log_probs| is at least this ("mismatch above X"). */
  lpmin: optNumber,
  q: z.string().max(2000).optional(),
  /** Treat q as a regular expression. */
  re: optFlag,
  /** Case-sensitive search. */
  cs: optFlag,
  sort: z.enum(sortKeys).optional(),
  desc: optFlag,
});
export type RowQuery = z.infer<typeof rowQuerySchema>;
export type RowQueryInput = z.input<typeof rowQuerySchema>;

export const queryParamNames = Object.keys(rowQuerySchema.shape) as (keyof RowQuery)[];

/** Parse filters out of URLSearchParams; invalid values are dropped rather than failing the page. */
export function parseRowQuery(params: URLSearchParams): RowQuery {
  const raw: Record<string, string> = {};
  for (const k of queryParamNames) {
    const v = params.get(k);
    if (v !== null) raw[k] = v;
  }
  const parsed = rowQuerySchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // Drop the offending keys and keep the rest.
  for (const issue of parsed.error.issues) {
    const key = issue.path[0];
    if (typeof key === "string") delete raw[key];
  }
  const retry = rowQuerySchema.safeParse(raw);
  return retry.success ? retry.data : rowQuerySchema.parse({});
}

/** Write filters into URLSearchParams, omitting defaults so links stay short. */
export function writeRowQuery(q: RowQuery, params: URLSearchParams): URLSearchParams {
  for (const k of queryParamNames) params.delete(k);
  for (const k of queryParamNames) {
    const v = q[k];
    if (v === undefined || v === false || v === "") continue;
    params.set(k, v === true ? "1" : String(v));
  }
  return params;
}

export function statusList(q: RowQuery): string[] | null {
  if (!q.status) return null;
  const list = q.status
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length ? list : null;
}

/** Compile the text filter; returns an error message for a bad regex. */
export function compileSearch(q: Pick<RowQuery, "q" | "re" | "cs">): { regex: RegExp | null; error: string | null } {
  if (!q.q) return { regex: null, error: null };
  const flags = q.cs ? "u" : "iu";
  try {
    const src = q.re ? q.q : q.q.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return { regex: new RegExp(src, flags), error: null };
  } catch (e) {
    return { regex: null, error: `Invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, "")}` };
  }
}
