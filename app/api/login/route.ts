import { NextResponse } from "next/server";
import { serverEnv } from "@/lib/env";
import { appError, errorResponse } from "@/lib/errors";
import { withInput } from "@/lib/http/route";
import { safeEqual, safeNextPath, sessionCookieName, sessionCookieValue } from "@/lib/auth/token";
import { loginSchema } from "./schema";

/**
 * A relative Location: request.url is normalised to "localhost" behind Next's
 * server, and a redirect there would drop a cookie set for 127.0.0.1.
 */
function seeOther(location: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { location } });
}

// POST from the login form (urlencoded) or a script (JSON). On success: the
// session cookie and a 303 to `next`; on failure: a 303 back to the form (JSON callers: 401).
// The body is a form or JSON and a bad one is a wrong login, not a 400: it is read here.
export const POST = withInput({}, async ({ req: request }) => {
  const token = serverEnv().PLAYGROUND_TOKEN;
  const isJson = (request.headers.get("content-type") ?? "").includes("application/json");
  let raw: unknown;
  try {
    raw = isJson ? await request.json() : Object.fromEntries((await request.formData()).entries());
  } catch {
    raw = undefined;
  }
  const parsed = loginSchema.safeParse(raw);
  const next = safeNextPath(parsed.success ? parsed.data.next : null);

  if (!token) {
    // Nothing to sign in to; keep the flow harmless.
    return seeOther(next);
  }
  if (!parsed.success || !safeEqual(parsed.data.token, token)) {
    if (isJson) {
      return errorResponse(appError("unauthorized:token", "Wrong token."));
    }
    return seeOther(`/login?${new URLSearchParams({ error: "1", next }).toString()}`);
  }

  const response = isJson
    ? NextResponse.json({ ok: true })
    : seeOther(next);
  response.cookies.set({
    name: sessionCookieName,
    value: sessionCookieValue(token),
    httpOnly: true,
    sameSite: "strict",
    path: "/",
    secure: new URL(request.url).protocol === "https:",
    maxAge: 60 * 60 * 24 * 30,
  });
  return response;
});
