import "server-only";
import { ok, type Result } from "@/lib/result";
import type { ServiceApi } from "./api";
import { statusOf, thrownError, type ServiceError } from "./errors";
import { recordServiceCall, type TrafficFields } from "./traffic";

// The one wrapper every service route goes through: parse the request, run the API's work, answer
// errors in the API's own shape (api.errorResponse), and record one Traffic entry per call,
// whatever happened to it (for a stream: when it has ended or the client went away). Nothing
// thrown by a handler escapes: it becomes a 500 in the API's shape.

export interface CallContext {
  request: Request;
  url: URL;
  /** Path parameters (`:id` in a serviceRouter pattern, or Next's dynamic segments). */
  params: Record<string, string>;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/** A JSON answer: the API's body, its status (default 200). */
export interface JsonReply<O> {
  body: O;
  status?: number;
  headers?: HeadersInit;
  /** Traffic fields only the handler knows (timings, backend, what the sandbox printed). */
  record?: TrafficFields;
}

/**
 * A Response the handler built (SSE, Connect server streams, NDJSON, raw bytes). Its body is passed
 * through chunk by chunk, never buffered.
 */
export interface StreamReply {
  response: Response;
  /** Traffic fields known once the stream has ended or was cancelled (awaited then). */
  record?: (end: StreamEnd) => TrafficFields | Promise<TrafficFields>;
}

export interface StreamEnd {
  /** The client went away (or cancelled) before the stream ended. */
  cancelled: boolean;
  /** Bytes passed to the client. */
  bytes: number;
}

export type Reply<O> = JsonReply<O> | StreamReply;

/** One call as toTraffic sees it. */
export interface ServiceCall<I, O> {
  request: Request;
  http_status: number;
  /** Set once parse succeeded. */
  input?: I;
  /** The JSON body answered (not for streams). */
  output?: O;
  error?: ServiceError;
  /** What the handler recorded itself (JsonReply.record, StreamReply.record). */
  record?: TrafficFields;
  stream?: StreamEnd;
}

export interface ServiceRouteSpec<I, O> {
  api: ServiceApi;
  /** The route as Traffic names it (default: the request's path). */
  route?: string;
  /** Reads and validates the request. */
  parse(ctx: CallContext): Result<I, ServiceError> | Promise<Result<I, ServiceError>>;
  /** The work. A failure is a value: it is answered with api.errorResponse. */
  run(input: I, ctx: CallContext): Promise<Result<Reply<O>, ServiceError>>;
  /** The call's Traffic fields; absent or null = not recorded (e.g. polled reads). */
  toTraffic?(call: ServiceCall<I, O>): TrafficFields | null;
}

export type RouteParams = { params?: Promise<Record<string, string | string[] | undefined>> };
export type ServiceHandler = (request: Request, ctx?: RouteParams) => Promise<Response>;

/** Parse step for routes that take no input. */
export const noInput = (): Result<undefined, ServiceError> => ok(undefined);

export function serviceRoute<I, O>(spec: ServiceRouteSpec<I, O>): ServiceHandler & { handle: (ctx: CallContext) => Promise<Response> } {
  const handle = async (ctx: CallContext): Promise<Response> => {
    const time = Date.now();
    const t0 = performance.now();
    const origin = { api: spec.api.name, route: spec.route ?? ctx.url.pathname, request: ctx.request, time };
    const record = (call: Omit<ServiceCall<I, O>, "request">) => {
      if (!spec.toTraffic) return;
      try {
        const full: ServiceCall<I, O> = { request: ctx.request, ...call };
        const fields = spec.toTraffic(full);
        if (!fields) return;
        const elapsed = Math.round((performance.now() - t0) * 10) / 10;
        const e = call.error;
        const queue_ms = call.record?.queue_ms ?? 0;
        recordServiceCall(origin, {
          ...(e ? { status: e.code, message: e.message } : {}),
          run_ms: Math.max(0, elapsed - queue_ms),
          ...dropUndefined(fields),
          // What the handler saw (timings, the sandbox's own result) wins over the route's view.
          ...dropUndefined(call.record ?? {}),
          http_status: call.http_status,
        });
      } catch (err) {
        console.error(`[service] ${origin.route}: recording the call failed`, err);
      }
    };
    const refuse = (error: ServiceError, input?: I) => {
      const res = spec.api.errorResponse(error);
      record({ http_status: statusOf(error), error, ...(input !== undefined ? { input } : {}) });
      return res;
    };

    let input: I;
    try {
      const parsed = await spec.parse(ctx);
      if (!parsed.ok) return refuse(parsed.error);
      input = parsed.value;
    } catch (e) {
      console.error(`[service] ${origin.route}: parse failed`, e);
      return refuse(thrownError(e));
    }
    let reply: Result<Reply<O>, ServiceError>;
    try {
      reply = await spec.run(input, ctx);
    } catch (e) {
      console.error(`[service] ${origin.route} failed`, e);
      return refuse(thrownError(e), input);
    }
    if (!reply.ok) return refuse(reply.error, input);
    const r = reply.value;
    if ("response" in r) return passThrough(r, (end, fields) => record({ http_status: r.response.status, input, stream: end, ...(fields ? { record: fields } : {}) }));
    record({ http_status: r.status ?? 200, input, output: r.body, ...(r.record ? { record: r.record } : {}) });
    return Response.json(r.body, { status: r.status ?? 200, ...(r.headers ? { headers: r.headers } : {}) });
  };
  const handler = async (request: Request, next?: RouteParams): Promise<Response> => {
    const raw = (await next?.params) ?? {};
    const params = Object.fromEntries(Object.entries(raw).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : Array.isArray(v) ? [[k, v.join("/")]] : [])));
    return handle({ request, url: new URL(request.url), params, signal: request.signal });
  };
  return Object.assign(handler, { handle });
}

/**
 * The handler's Response with its body passed through one chunk at a time (no read-ahead, so a
 * stream is flushed frame by frame), calling `done` once when it ends or the client cancels.
 */
function passThrough(r: StreamReply, done: (end: StreamEnd, fields?: TrafficFields) => void): Response {
  const source = r.response.body;
  let finished = false;
  const finish = (end: StreamEnd) => {
    if (finished) return;
    finished = true;
    void (async () => {
      let fields: TrafficFields | undefined;
      try {
        fields = await r.record?.(end);
      } catch (e) {
        console.error("[service] a stream's Traffic fields failed", e);
      }
      done(end, fields);
    })();
  };
  if (!source) {
    finish({ cancelled: false, bytes: 0 });
    return r.response;
  }
  const reader = source.getReader();
  let bytes = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(ctl) {
        try {
          const { done: end, value } = await reader.read();
          if (end) {
            ctl.close();
            finish({ cancelled: false, bytes });
            return;
          }
          bytes += value.byteLength;
          ctl.enqueue(value);
        } catch (e) {
          ctl.error(e);
          finish({ cancelled: true, bytes });
        }
      },
      async cancel(reason) {
        finish({ cancelled: true, bytes });
        await reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: r.response.status, statusText: r.response.statusText, headers: r.response.headers });
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

// ---------------------------------------------------------------- many routes under one handler

export interface RouteEntry {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** `/sandbox/:id/stop`: literal segments and `:name` parameters, matched in table order. */
  path: string;
  handler: ReturnType<typeof serviceRoute>;
}

function match(pattern: string, segments: string[]): Record<string, string> | null {
  const parts = pattern.split("/").filter(Boolean);
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.startsWith(":")) params[p.slice(1)] = segments[i]!;
    else if (p !== segments[i]) return null;
  }
  return params;
}

/**
 * A catch-all route's handler (`app/(service)/<api>/[...path]/route.ts`) from a table of routes:
 * the first entry whose path and method match answers; a path that matches with another method is
 * 405, anything else 404, both in the API's shape.
 */
export function serviceRouter(api: ServiceApi, routes: RouteEntry[]): (request: Request, ctx: { params: Promise<{ path?: string[] }> }) => Promise<Response> {
  return async (request, ctx) => {
    const segments = (await ctx.params).path ?? [];
    const method = request.method.toUpperCase();
    let pathMatched = false;
    for (const r of routes) {
      const params = match(r.path, segments);
      if (!params) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      return r.handler.handle({ request, url: new URL(request.url), params, signal: request.signal });
    }
    return api.errorResponse(
      pathMatched ? { code: "bad_request:method", message: "Method Not Allowed", status: 405 } : { code: "not_found:route", message: "Not Found" },
    );
  };
}
