import "server-only";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** Cookie set by the login form. Holds a MAC of the token, never the token itself. */
export const sessionCookieName = "playground_session";

/** What the session cookie holds for a given token. */
export function sessionCookieValue(token: string): string {
  return createHmac("sha256", token).update("rollout-playground/session/v1").digest("base64url");
}

/** Constant-time string equality: both sides are hashed first so lengths never leak. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

export interface Credentials {
  authorization: string | null;
  cookie: string | undefined;
}

/** True when the request carries the token as a Bearer header or a valid session cookie. */
export function isAuthorized(token: string, creds: Credentials): boolean {
  // The API check with no key channels, so the constant-time comparisons live in one place.
  return apiAuthorization(token, { ...creds, apiKey: null, queryKey: null }) !== null;
}

export interface ApiCredentials extends Credentials {
  /** `X-API-Key` header (ms-enclave's HttpSandboxManager sends this). */
  apiKey: string | null;
  /** `?api_key=` in the URL, for clients that only take a base URL. */
  queryKey: string | null;
}

export type ApiAuth = "header" | "cookie" | null;

/**
 * The service API's check: Bearer, X-API-Key, ?api_key= or the session cookie. Says which kind
 * matched, because only a cookie rides along on a cross-site request (so only it needs the Origin
 * check). Every candidate is compared, so timing does not tell which one was tried.
 */
export function apiAuthorization(token: string, creds: ApiCredentials): ApiAuth {
  const match = /^Bearer\s+(.+)$/i.exec((creds.authorization ?? "").trim());
  const bearerOk = match?.[1] !== undefined ? safeEqual(match[1], token) : false;
  const keyOk = creds.apiKey !== null ? safeEqual(creds.apiKey.trim(), token) : false;
  const queryOk = creds.queryKey !== null ? safeEqual(creds.queryKey, token) : false;
  const cookieOk = creds.cookie !== undefined ? safeEqual(creds.cookie, sessionCookieValue(token)) : false;
  if (bearerOk || keyOk || queryOk) return "header";
  return cookieOk ? "cookie" : null;
}

/**
 * A redirect target from a form: only same-site absolute paths, so the login
 * form cannot be used to send people elsewhere.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  return next;
}
