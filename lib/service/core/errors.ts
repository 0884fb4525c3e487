import type { z } from "zod";
import { httpStatus, zodIssuesMessage, type AppErrorData } from "@/lib/errors";

// The one internal error of the service layer. Every refusal or failure a service route answers
// (bad body, bad token, full queue, unknown sandbox) is a ServiceError; each API turns it into its
// own wire shape in one place (its ServiceApi.errorResponse). No server imports: the proxy uses it.

/** FastAPI's 422 item (SandboxFusion and ms-enclave are FastAPI servers). */
export interface ValidationItem {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
  ctx?: Record<string, unknown>;
}

export interface ServiceError extends AppErrorData {
  /** The HTTP status, when the peer's protocol wants one our code does not map to (408, 405, 501). */
  status?: number;
  /** Validation items, for APIs that list them (FastAPI's `detail` list). */
  issues?: ValidationItem[];
  /** What could be read of the request before it was refused (the JSON body), for Traffic only. */
  input?: unknown;
}

export const statusOf = (e: ServiceError): number => e.status ?? httpStatus(e.code);

/** The AppErrorData part (what our own envelope carries). */
export function errorData(e: ServiceError): AppErrorData {
  return e.field === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, field: e.field };
}

/** Anything thrown by a handler, as a 500 (logged by the caller; the message is the error's own). */
export function thrownError(e: unknown): ServiceError {
  return { code: "internal:service", message: e instanceof Error ? e.message : String(e) };
}

/** zod issues as FastAPI's items: a missing field is `missing` / "Field required", as pydantic says it. */
export function validationItems(error: z.ZodError, where: "body" | "query" | "path" = "body"): ValidationItem[] {
  return error.issues.map((i) => {
    const missing = i.code === "invalid_type" && (i as { input?: unknown }).input === undefined;
    return {
      type: missing ? "missing" : i.code,
      loc: [where, ...i.path.map((p) => (typeof p === "number" ? p : String(p)))],
      msg: missing ? "Field required" : i.message,
      input: null,
    };
  });
}

/** A zod failure as one ServiceError: 422, the first field named, every issue listed. */
export function invalidInput(error: z.ZodError, input?: unknown, where: "body" | "query" | "path" = "body"): ServiceError {
  const first = error.issues[0];
  const field = first ? first.path.map(String).join(".") : "";
  return {
    code: `unprocessable:${where}`,
    message: zodIssuesMessage(error.issues),
    ...(field ? { field } : {}),
    issues: validationItems(error, where),
    ...(input !== undefined ? { input } : {}),
  };
}

/** One 422 from hand-built items (query parameters, FastAPI's own wording). */
export function invalidItems(items: ValidationItem[]): ServiceError {
  return { code: "unprocessable:request", message: items.map((i) => `${i.loc.join(".")}: ${i.msg}`).join("; "), issues: items };
}

/**
 * FastAPI's error body: `{detail}` (the message, or the validation items), with the status. With
 * `envelope`, our own `{error}` rides along too (SandboxFusion's routes always sent both).
 */
export function fastApiErrorResponse(e: ServiceError, opts: { envelope?: boolean; headers?: HeadersInit } = {}): Response {
  const body: Record<string, unknown> = { detail: e.issues ?? e.message };
  if (opts.envelope) body.error = errorData(e);
  return Response.json(body, { status: statusOf(e), ...(opts.headers ? { headers: opts.headers } : {}) });
}
