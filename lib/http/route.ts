import "server-only";
import type { z } from "zod";
import { AppError, errorResponse, toAppError, zodIssuesMessage } from "@/lib/errors";

// The prologue of every app/api route, once: parse the path params, the query string and the JSON
// body with the route's zod schemas (a schema.ts beside the route), and turn every failure into the
// one error envelope of lib/errors.ts (`bad_request:params|query|body` with the field at fault). A
// handler returns a Response, or a value that is sent as JSON; it throws an AppError (or unwraps a
// failed Result) for a failure the person should read. Anything else thrown is logged as a bug and
// answered as `internal:<surface>`, the surface being the route's first segment after /api.

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
export type RouteHandler = (req: Request, ctx?: RouteContext) => Promise<Response>;

/**
 * A route handler with parsed input and the one error envelope. `resolve` runs first, on the raw
 * path params, and adds what it returns to the input (withDataset finds the open dataset this way,
 * so a stale id reads 404 before the rest of the input is checked).
 */
export function withInput<S extends InputSchemas, X extends object = Record<never, never>>(
  schemas: S,
  handler: (input: RouteInput<S> & X) => unknown,
  resolve?: (rawParams: Record<string, string>) => X,
): RouteHandler {
  return async (req, ctx) => {
    try {
      const rawParams = (await ctx?.params) ?? {};
      const extra = resolve ? resolve(rawParams) : ({} as X);
      const input = {
        ...extra,
        req,
        params: parse(schemas.params, rawParams, "params"),
        query: parse(schemas.query, schemas.query ? Object.fromEntries(new URL(req.url).searchParams) : undefined, "query"),
        body: parse(schemas.body, schemas.body ? await req.json().catch(() => null) : undefined, "body"),
      } as RouteInput<S> & X;
      const out = await handler(input);
      return out instanceof Response ? out : Response.json(out);
    } catch (e) {
      if (e instanceof AppError) return errorResponse(e);
      const surface = new URL(req.url).pathname.split("/")[2] || "api";
      console.error(`[${surface}] route failed`, e);
      return errorResponse(toAppError(e, surface));
    }
  };
}

function parse(schema: z.ZodType | undefined, value: unknown, part: "params" | "query" | "body"): unknown {
  if (!schema) return undefined;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const field = r.error.issues[0]?.path.map(String).join(".") || undefined;
  throw new AppError(`bad_request:${part}`, zodIssuesMessage(r.error.issues), { field });
}
