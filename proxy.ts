import { NextResponse, type NextRequest } from "next/server";
import { serverEnv } from "@/lib/env";
import { hostnameOf, isLoopbackAddress } from "@/lib/auth/loopback.mjs";
import { loginFormHtml } from "@/lib/auth/login-html";
import { apiAuthorization, isAuthorized, sessionCookieName } from "@/lib/auth/token";
import { appError, errorResponse, type ErrorCode } from "@/lib/errors";

// The token gate. This app runs arbitrary code, so nobody reaches it by accident:
// - without PLAYGROUND_TOKEN the server only listens on loopback (scripts/start.mjs),
//   and here we refuse Host headers that are not loopback (DNS rebinding);
// - with a token, every page, route and server action (a POST to a page) needs the
//   session cookie or `Authorization: Bearer <token>`, else 401.
// Route handlers and actions need no checks of their own: the matcher below covers
// every path except Next's hashed build assets.
// The service API (/sandbox-fusion/*, /ms-enclave/*, /agent/*) is called by training jobs, not browsers: it
// also takes `X-API-Key` and `?api_key=`, answers in FastAPI's `{detail}` shape, and refuses bodies
// over PLAYGROUND_API_MAX_BODY_MB with 413 before they are read.

const publicPaths = new Set(["/login", "/api/login"]);
const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/** The app's one error envelope (what the client's readErrorEnvelope reads); the status follows the code. */
function refuse(code: ErrorCode, message: string): Response {
  return errorResponse(appError(code, message), { headers: { "cache-control": "no-store" } });
}

/** True when a browser says the request comes from a page on another origin. */
function crossOrigin(request: NextRequest, host: string): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return false;
  if (origin === "null") return true;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

const apiPrefixes = ["/sandbox-fusion", "/ms-enclave", "/agent"];
// The agent proxy's model routes read the caller's API key as its session id (as slime does), so
// there the token travels in `X-Playground-Token` or `?api_key=` instead of Bearer/X-Api-Key.
const agentModelPrefix = "/agent/v1/";
function isServiceApiPath(pathname: string): boolean {
  return apiPrefixes.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}

function detail(status: number, message: string): NextResponse {
  return NextResponse.json({ detail: message }, { status, headers: { "cache-control": "no-store" } });
}

function apiGate(request: NextRequest, token: string | undefined, host: string): NextResponse {
  let auth: ReturnType<typeof apiAuthorization> = null;
  if (token) {
    const agentModel = request.nextUrl.pathname.startsWith(agentModelPrefix);
    const agentToken = request.headers.get("x-playground-token");
    auth = apiAuthorization(token, {
      authorization: agentModel ? (agentToken === null ? null : `Bearer ${agentToken}`) : request.headers.get("authorization"),
      apiKey: agentModel ? null : request.headers.get("x-api-key"),
      queryKey: request.nextUrl.searchParams.get("api_key"),
      cookie: request.cookies.get(sessionCookieName)?.value,
    });
    // ms-enclave's server answers exactly this.
    if (!auth) return detail(401, "Unauthorized");
  }
  // Only a browser sends Origin, and only a cookie (or nothing, on loopback) rides along on a
  // cross-site request; a header or URL key proves the caller holds the token.
  if (!safeMethods.has(request.method) && auth !== "header" && crossOrigin(request, host)) {
    return detail(403, "Cross-origin requests are refused.");
  }
  const capMb = serverEnv().PLAYGROUND_API_MAX_BODY_MB;
  const length = Number(request.headers.get("content-length") ?? "0");
  if (Number.isFinite(length) && length > capMb * 1024 * 1024) {
    return detail(413, `Request body too large: ${length} bytes; the limit is ${capMb} MB (PLAYGROUND_API_MAX_BODY_MB).`);
  }
  return NextResponse.next();
}

export function proxy(request: NextRequest): Response {
  const token = serverEnv().PLAYGROUND_TOKEN;
  const host = request.headers.get("host") ?? "";
  const api = isServiceApiPath(request.nextUrl.pathname);

  if (!token && !isLoopbackAddress(hostnameOf(host))) {
    const message = "This playground has no token, so it only answers on localhost.";
    return api ? detail(403, message) : refuse("forbidden:host", message);
  }
  if (api) return apiGate(request, token, host);

  // A browser sends Origin on cross-site POSTs; a page elsewhere must not drive this one.
  if (!safeMethods.has(request.method) && crossOrigin(request, host)) {
    return refuse("forbidden:origin", "Cross-origin requests are refused.");
  }

  if (!token) return NextResponse.next();
  if (publicPaths.has(request.nextUrl.pathname)) return NextResponse.next();

  const ok = isAuthorized(token, {
    authorization: request.headers.get("authorization"),
    cookie: request.cookies.get(sessionCookieName)?.value,
  });
  if (ok) return NextResponse.next();

  const wantsPage =
    safeMethods.has(request.method) &&
    (request.headers.get("accept") ?? "").includes("text/html") &&
    !request.headers.has("rsc");
  if (wantsPage) {
    const next = request.nextUrl.pathname + request.nextUrl.search;
    return new NextResponse(loginFormHtml({ next }), {
      status: 401,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    });
  }
  return refuse("unauthorized:token", "Sign in at /login or send Authorization: Bearer <PLAYGROUND_TOKEN>.");
}

export const config = {
  // Everything but the content-hashed build output (public JS/CSS, no data).
  // The E2B gateway (/e2b) gates itself (lib/service/e2b/router.ts): the proxy would buffer its
  // uploads (up to proxyClientMaxBodySize) and it must stream them.
  matcher: ["/((?!_next/static/|favicon.ico$|e2b/|e2b$).*)"],
};
