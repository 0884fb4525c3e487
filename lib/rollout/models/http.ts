import type { Result } from "@/lib/result";
import "server-only";
import { readLines } from "@/lib/http/read-lines";
import { stoppedByUser, type ModelError } from "./types";

// One place that turns fetch failures into typed model errors, so every
// backend reports "unreachable", "too slow" and "malformed" the same way.

export interface HttpTarget {
  url: string;
  apiKey?: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Extra request headers (the agent proxy's X-SMG-Routing-Key). */
  headers?: Record<string, string>;
}

export type HttpResult<T> = Result<T, ModelError>;

/** Joins a base URL and a path; tolerates a trailing "/v1" on the base when the path has one. */
export function endpointUrl(base: string, path: string): string {
  let b = base.trim().replace(/\/+$/, "");
  if (path.startsWith("/v1/") && b.endsWith("/v1")) b = b.slice(0, -3);
  return b + path;
}

function headers(apiKey: string | undefined, accept: string, extra?: Record<string, string>): Record<string, string> {
  const h: Record<string, string> = { ...extra, "content-type": "application/json", accept };
  if (apiKey) h.authorization = `Bearer ${apiKey}`;
  return h;
}

/** Combines the user's stop signal with a deadline; tells them apart afterwards. */
function deadline(target: HttpTarget): { signal: AbortSignal; timedOut: () => boolean; clear: () => void } {
  const timer = new AbortController();
  let fired = false;
  const t = setTimeout(() => {
    fired = true;
    timer.abort(new Error("deadline"));
  }, target.timeoutMs);
  return {
    signal: AbortSignal.any([target.signal, timer.signal]),
    timedOut: () => fired && !target.signal.aborted,
    clear: () => clearTimeout(t),
  };
}

export function classifyFetchError(err: unknown, target: HttpTarget, timedOut: boolean): ModelError {
  const where = safeUrl(target.url);
  if (target.signal.aborted) return stoppedByUser;
  if (timedOut)
    return {
      code: "timeout:model",
      message: `The model server at ${where} did not answer within ${Math.round(target.timeoutMs / 100) / 10} s. Raise the timeout or check the server load.`,
    };
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : undefined;
  const detail = [err instanceof Error ? err.message : String(err), cause?.message].filter(Boolean).join(": ");
  return {
    code: "unavailable:model",
    message: `Could not reach the model server at ${where}, or it closed the connection. Check the endpoint URL and that the server is running.`,
    detail,
  };
}

function safeUrl(u: string): string {
  try {
    const url = new URL(u);
    url.username = "";
    url.password = "";
    url.search = "";
    return url.toString();
  } catch {
    return u;
  }
}

async function httpError(res: Response, target: HttpTarget): Promise<ModelError> {
  let body = "";
  try {
    body = (await res.text()).slice(0, 500);
  } catch {
    // the body is only a hint
  }
  const auth = res.status === 401 || res.status === 403;
  return {
    code: "bad_gateway:model",
    message: auth
      ? `The model server at ${safeUrl(target.url)} refused the request (HTTP ${res.status}). Check the API key.`
      : `The model server at ${safeUrl(target.url)} answered HTTP ${res.status}.`,
    detail: body || undefined,
  };
}

export function malformed(target: HttpTarget, detail: string): ModelError {
  return {
    code: "bad_gateway:model",
    message: `The model server at ${safeUrl(target.url)} sent a response this playground cannot read. Is the backend type right for this endpoint?`,
    detail: detail.slice(0, 1000),
  };
}

/** POST JSON, read one JSON body. */
export async function postJson(target: HttpTarget, body: unknown): Promise<HttpResult<unknown>> {
  return request(target, "POST", body);
}

export async function getJson(target: HttpTarget): Promise<HttpResult<unknown>> {
  return request(target, "GET", undefined);
}

async function request(target: HttpTarget, method: "GET" | "POST", body: unknown): Promise<HttpResult<unknown>> {
  const d = deadline(target);
  try {
    const res = await fetch(target.url, {
      method,
      headers: headers(target.apiKey, "application/json", target.headers),
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: d.signal,
    });
    if (!res.ok) return { ok: false, error: await httpError(res, target) };
    const text = await res.text();
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch (e) {
      return { ok: false, error: malformed(target, `invalid JSON: ${(e as Error).message}; body starts: ${text.slice(0, 200)}`) };
    }
  } catch (e) {
    return { ok: false, error: classifyFetchError(e, target, d.timedOut()) };
  } finally {
    d.clear();
  }
}

/**
 * POST with stream: true and read Server-Sent Events. `onData` gets each
 * parsed `data:` payload; it returns an error to stop early. A stream that
 * ends without `[DONE]` counts as a dropped connection.
 */
export async function postSse(
  target: HttpTarget,
  body: unknown,
  onData: (value: unknown) => ModelError | void,
): Promise<HttpResult<{ done: boolean }>> {
  const d = deadline(target);
  try {
    const res = await fetch(target.url, {
      method: "POST",
      headers: headers(target.apiKey, "text/event-stream", target.headers),
      body: JSON.stringify(body),
      signal: d.signal,
    });
    if (!res.ok) return { ok: false, error: await httpError(res, target) };
    if (!res.body) return { ok: false, error: malformed(target, "empty body") };
    for await (const line of readLines(res.body, { complete: true })) {
      if (!line.startsWith("data:")) continue;
      const data = line.slice(5).trim();
      if (data === "[DONE]") return { ok: true, value: { done: true } };
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch (e) {
        return { ok: false, error: malformed(target, `invalid JSON in stream: ${(e as Error).message}; data: ${data.slice(0, 200)}`) };
      }
      const err = onData(parsed);
      if (err) return { ok: false, error: err };
    }
    return {
      ok: false,
      error: {
        code: "unavailable:model",
        message: `The model server at ${safeUrl(target.url)} closed the stream before it finished.`,
        detail: "stream ended without [DONE]",
      },
    };
  } catch (e) {
    return { ok: false, error: classifyFetchError(e, target, d.timedOut()) };
  } finally {
    d.clear();
  }
}
