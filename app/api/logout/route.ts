import { NextResponse } from "next/server";
import { sessionCookieName } from "@/lib/auth/token";
import { withInput } from "@/lib/http/route";

export const POST = withInput({}, () => {
  // Relative Location: keeps the browser on the host it used (127.0.0.1 vs localhost).
  const response = new NextResponse(null, { status: 303, headers: { location: "/login" } });
  response.cookies.delete(sessionCookieName);
  return response;
});
