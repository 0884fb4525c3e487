import "server-only";
import { serverEnv } from "@/lib/env";
import { safeEqual, sessionCookieName, sessionCookieValue } from "@/lib/auth/token";
import { defaultTokens, type ServiceApi } from "./api";
import type { ServiceError } from "./errors";

// The token gate of the service APIs (called by proxy.ts before any route runs). These APIs are
// for programs, not browsers: a token may come in a header or the URL, a caller holding it may call
// from any origin, and every refusal is answered in the API's own shape (api.errorResponse).

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/** True when a browser says the request comes from a page on another origin. */
export function crossOrigin(request: Pick<Request, "headers">, host: string): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return false;
  if (origin === "null") return true;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

function cookieValue(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The gate's verdict on one service request: null = let it through, else the refusal to send. */
export function serviceGate(request: Request, api: ServiceApi, opts: { token: string | undefined; host: string }): Response | null {
  const refuse = (e: ServiceError) => api.errorResponse(e);
  let auth: "header" | "cookie" | null = null;
  if (opts.token) {
    const token = opts.token;
    // Every candidate is compared (constant time each), so timing does not tell which one matched.
    const headerOk = (api.tokens ?? defaultTokens)(request).map((t) => t !== null && safeEqual(t, token)).includes(true);
    const cookie = cookieValue(request, sessionCookieName);
    const cookieOk = cookie !== undefined && safeEqual(cookie, sessionCookieValue(token));
    auth = headerOk ? "header" : cookieOk ? "cookie" : null;
    // ms-enclave's server answers exactly "Unauthorized".
    if (!auth) return refuse({ code: "unauthorized:token", message: "Unauthorized" });
  }
  // Only a browser sends Origin, and only a cookie (or nothing, on loopback) rides along on a
  // cross-site request; a header or URL key proves the caller holds the token.
  if (!safeMethods.has(request.method) && auth !== "header" && crossOrigin(request, opts.host)) {
    return refuse({ code: "forbidden:origin", message: "Cross-origin requests are refused." });
  }
  const cap = api.maxBodyBytes?.() ?? serverEnv().PLAYGROUND_API_MAX_BODY_MB * 1024 * 1024;
  const length = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(length) && length > cap) {
    return refuse({ code: "too_large:body", message: `Request body too large: ${length} bytes; the limit is ${+(cap / 1024 / 1024).toFixed(3)} MB (PLAYGROUND_API_MAX_BODY_MB).` });
  }
  return null;
}
