// One error vocabulary for the whole app: a `type:surface` code (what went wrong : where), the HTTP
// status it maps to, and one JSON envelope `{ error: { code, message, field? } }`.
// Client code may import this module (it has no server dependencies).

export const errorTypes = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unprocessable: 422,
  /** The caller stopped it (nginx's 499 "client closed request"; HTTP has no standard code). */
  cancelled: 499,
  internal: 500,
  /** An upstream server (a model endpoint) answered an error or something unreadable. */
  bad_gateway: 502,
  unavailable: 503,
  timeout: 504,
} as const;
export type ErrorType = keyof typeof errorTypes;

/** `type:surface`, e.g. `not_found:dataset`, `bad_request:body`, `unavailable:sandbox`. */
export type ErrorCode = `${ErrorType}:${string}`;

export interface AppErrorData {
  code: ErrorCode;
  message: string;
  /** The input field at fault, when there is one (`files.0.path`). */
  field?: string;
}

export interface ErrorEnvelope {
  error: AppErrorData;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  constructor(code: ErrorCode, message: string, opts?: { field?: string; cause?: unknown }) {
    super(message, opts?.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    if (opts?.field !== undefined) this.field = opts.field;
  }
  get status(): number {
    return httpStatus(this.code);
  }
  toData(): AppErrorData {
    return this.field === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, field: this.field };
  }
}

export function appError(code: ErrorCode, message: string, field?: string): AppErrorData {
  return field === undefined ? { code, message } : { code, message, field };
}

export function errorType(code: ErrorCode): ErrorType {
  return code.slice(0, code.indexOf(":")) as ErrorType;
}

export function httpStatus(code: ErrorCode): number {
  return errorTypes[errorType(code)] ?? 500;
}

/** The one JSON error response. */
export function errorResponse(e: AppError | AppErrorData, init?: { headers?: HeadersInit }): Response {
  const data = e instanceof AppError ? e.toData() : e;
  const body: ErrorEnvelope = { error: data };
  return Response.json(body, { status: httpStatus(data.code), headers: init?.headers });
}

/** Anything thrown, as AppErrorData; unknown errors become `internal:<surface>` with a safe message. */
export function toAppError(e: unknown, surface: string): AppErrorData {
  if (e instanceof AppError) return e.toData();
  return { code: `internal:${surface}`, message: "The operation failed on the server; see the server log." };
}

/** zod issues as one readable line, naming each field. */
export function zodIssuesMessage(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues.map((i) => `${i.path.map(String).join(".") || "input"}: ${i.message}`).join("; ");
}

/** The client side: read an error envelope from a failed response, whatever shape it has. */
export async function readErrorEnvelope(res: Response): Promise<AppErrorData> {
  const fallback: AppErrorData = { code: `internal:http`, message: `HTTP ${res.status} ${res.statusText}`.trim() };
  try {
    const body = (await res.json()) as Partial<ErrorEnvelope> | null;
    const e = body?.error;
    if (e && typeof e.message === "string" && typeof e.code === "string" && e.code.includes(":")) return e as AppErrorData;
  } catch {
    /* not JSON */
  }
  return fallback;
}
