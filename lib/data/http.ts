import "server-only";
import type { z } from "zod";
import { AppError, errorResponse, toAppError, zodIssuesMessage } from "@/lib/errors";
import type { Dataset } from "./dataset";
import { getDataset } from "./registry";

// The prologue of every /api/datasets route, once: parse the path params, the query string and
// the JSON body with the route's zod schemas, find the dataset (withDataset), and turn every
// failure into the one error envelope of lib/errors.ts. A handler returns a Response, or a
// value that is sent as JSON; it throws an AppError for a failure the person should read.

export interface InputSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}
type Parsed<S extends InputSchemas, K extends keyof InputSchemas> = S[K] extends z.ZodType ? z.output<S[K]> : undefined;
export interface RouteInput<S extends InputSchemas> {
  req: Request;
  params: Parsed<S, "params">;
  query: Parsed<S, "query">;
  body: Parsed<S, "body">;
}
/** Next's second argument; routes without dynamic segments are also called without it. */
export interface RouteContext {
  params: Promise<Record<string, string>>;
}
type Handler<I> = (input: I) => unknown;

const notOpen = "This dataset is not open on the server (it restarted?). Open the file again.";

/** A route handler with parsed input and the one error envelope. */
export function withInput<S extends InputSchemas>(schemas: S, handler: Handler<RouteInput<S>>) {
  return (req: Request, ctx?: RouteContext): Promise<Response> => handle(req, ctx, schemas, null, handler);
}

/** withInput for /api/datasets/:id/…: also finds the open dataset, or answers 404 `not_found:dataset`. */
export function withDataset<S extends InputSchemas>(schemas: S, handler: Handler<RouteInput<S> & { ds: Dataset }>) {
  return (req: Request, ctx: RouteContext): Promise<Response> => handle(req, ctx, schemas, handler, null);
}

async function handle<S extends InputSchemas>(
  req: Request,
  ctx: RouteContext | undefined,
  schemas: S,
  withDs: Handler<RouteInput<S> & { ds: Dataset }> | null,
  plain: Handler<RouteInput<S>> | null,
): Promise<Response> {
  try {
    const rawParams = (await ctx?.params) ?? {};
    // The dataset is looked up before the input is checked, so a stale id always reads 404.
    const ds = withDs ? getDataset(rawParams.id ?? "") : undefined;
    if (withDs && !ds) throw new AppError("not_found:dataset", notOpen);
    const input = {
      req,
      params: parse(schemas.params, rawParams, "params"),
      query: parse(schemas.query, schemas.query ? Object.fromEntries(new URL(req.url).searchParams) : undefined, "query"),
      body: parse(schemas.body, schemas.body ? await req.json().catch(() => null) : undefined, "body"),
    } as RouteInput<S>;
    const out = await (withDs ? withDs({ ...input, ds: ds! }) : plain!(input));
    return out instanceof Response ? out : Response.json(out);
  } catch (e) {
    // AppErrors and failed Results (lib/result.ts unwrap) are answers; anything else is a bug to log.
    if (!(e instanceof AppError) && !(e as { appError?: unknown } | null)?.appError) console.error("[datasets] route failed", e);
    return errorResponse(e instanceof AppError ? e : toAppError(e, "datasets"));
  }
}

function parse(schema: z.ZodType | undefined, value: unknown, part: "params" | "query" | "body"): unknown {
  if (!schema) return undefined;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const field = r.error.issues[0]?.path.map(String).join(".") || undefined;
  throw new AppError(`bad_request:${part}`, zodIssuesMessage(r.error.issues), { field });
}

/** A row that indexing has not reached yet is waited for; one past the end is 404 `not_found:row`. */
export async function waitForRowOr404(ds: Dataset, row: number, signal: AbortSignal): Promise<void> {
  if (!(await ds.waitForRow(row, signal))) throw new AppError("not_found:row", `Row ${row} does not exist (the file has ${ds.store.length} rows).`);
}
