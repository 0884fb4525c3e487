import { NextResponse, type NextRequest } from "next/server";
import { serverEnv } from "@/lib/env";
import { hostnameOf, isLoopbackAddress } from "@/lib/auth/loopback";
import { loginFormHtml } from "@/lib/auth/login-html";
import { isAuthorized, sessionCookieName } from "@/lib/auth/token";

// The token gate. This app runs arbitrary code, so nobody reaches it by accident:
// - without PLAYGROUND_TOKEN the server only listens on loopback (scripts/start.mjs),
//   and here we refuse Host headers that are not loopback (DNS rebinding);
// - with a token, every page, route and server action (a POST to a page) needs the
//   session cookie or `Authorization: Bearer <token>`, else 401.
// Route handlers and actions need no checks of their own: the matcher below covers
// every path except Next's hashed build assets.

const publicPaths = new Set(["/login", "/api/login"]);
const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

function plain(status: number, code: string, message: string): NextResponse {
  return NextResponse.json({ error: code, message }, { status, headers: { "cache-control": "no-store" } });
}

export function proxy(request: NextRequest): NextResponse {
  const token = serverEnv().PLAYGROUND_TOKEN;
  const host = request.headers.get("host") ?? "";

  if (!token && !isLoopbackAddress(hostnameOf(host))) {
    return plain(403, "forbidden:host", "This playground has no token, so it only answers on localhost.");
  }

  // A browser sends Origin on cross-site POSTs; a page elsewhere must not drive this one.
  if (!safeMethods.has(request.method)) {
    const origin = request.headers.get("origin");
    if (origin && origin !== "null") {
      let originHost = "";
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = "";
      }
      if (originHost !== host) return plain(403, "forbidden:origin", "Cross-origin requests are refused.");
    } else if (origin === "null") {
      return plain(403, "forbidden:origin", "Cross-origin requests are refused.");
    }
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
  return plain(401, "unauthorized", "Sign in at /login or send Authorization: Bearer <PLAYGROUND_TOKEN>.");
}

export const config = {
  // Everything but the content-hashed build output (public JS/CSS, no data).
  matcher: ["/((?!_next/static/|favicon.ico$).*)"],
};
