import { NextResponse, type NextRequest } from "next/server";
import { serverEnv } from "@/lib/env";
import { hostnameOf, isLoopbackAddress } from "@/lib/auth/loopback.mjs";
import { loginFormHtml } from "@/lib/auth/login-html";
import { isAuthorized, sessionCookieName } from "@/lib/auth/token";
import { appError, errorResponse, type ErrorCode } from "@/lib/errors";
import { shareViewerCookie } from "@/lib/share/schema";
import { serviceApiFor } from "@/lib/service/apis";
import { crossOrigin, serviceGate } from "@/lib/service/core/auth";

// The token gate. This app runs arbitrary code, so nobody reaches it by accident:
// - without PLAYGROUND_TOKEN the server only listens on loopback (scripts/start.mjs),
//   and here we refuse Host headers that are not loopback (DNS rebinding);
// - with a token, every page, route and server action (a POST to a page) needs the
//   session cookie or `Authorization: Bearer <token>`, else 401.
// Route handlers and actions need no checks of their own: the matcher below covers
// every path except Next's hashed build assets.
// The service APIs (lib/service/apis.ts: /sandbox-fusion/*, /ms-enclave/*, /agent/*, …) are called
// by programs, not browsers: serviceGate takes the token where each API's clients send it, answers
// in each API's own error shape, and refuses bodies over the cap with 413 before they are read.

const publicPaths = new Set(["/login", "/api/login"]);
const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/** The app's one error envelope (what the client's readErrorEnvelope reads); the status follows the code. */
function refuse(code: ErrorCode, message: string): Response {
  return errorResponse(appError(code, message), { headers: { "cache-control": "no-store" } });
}

export function proxy(request: NextRequest): Response {
  const token = serverEnv().PLAYGROUND_TOKEN;
  const host = request.headers.get("host") ?? "";
  const api = serviceApiFor(request.nextUrl.pathname);

  if (!token && !isLoopbackAddress(hostnameOf(host))) {
    const message = "This playground has no token, so it only answers on localhost.";
    return api ? api.errorResponse({ code: "forbidden:host", message }) : refuse("forbidden:host", message);
  }
  // The programs' APIs: their own token channels and error shapes (lib/service/core/auth.ts).
  if (api) return serviceGate(request, api, { token, host }) ?? NextResponse.next();

  // A browser sends Origin on cross-site POSTs; a page elsewhere must not drive this one.
  if (!safeMethods.has(request.method) && crossOrigin(request, host)) {
    return refuse("forbidden:origin", "Cross-origin requests are refused.");
  }

  if (!token) return NextResponse.next();
  if (publicPaths.has(request.nextUrl.pathname)) return NextResponse.next();
  // Read-only links: the route checks the link (app/share/[token]/route.ts) and shows one thing.
  if (request.nextUrl.pathname.startsWith("/share/") && safeMethods.has(request.method)) return NextResponse.next();

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
  // A browser that opened a read-only link and now asks for more (a run, a server action).
  if (request.cookies.has(shareViewerCookie)) {
    return refuse(
      "forbidden:read_only",
      "This browser holds a read-only link: it shows one run or sample and runs nothing. Ask the owner for the playground token to run or edit.",
    );
  }
  return refuse("unauthorized:token", "Sign in at /login or send Authorization: Bearer <PLAYGROUND_TOKEN>.");
}

export const config = {
  // Everything but the content-hashed build output (public JS/CSS, no data).
  // The E2B gateway (/e2b) gates itself (lib/service/e2b/router.ts): the proxy would buffer its
  // uploads (up to proxyClientMaxBodySize) and it must stream them.
  matcher: ["/((?!_next/static/|favicon.ico$|e2b/|e2b$).*)"],
};
