import { describe, expect, it } from "vitest";
import { apiAuthorization, isAuthorized, safeEqual, safeNextPath, sessionCookieValue } from "./token";
import { hostnameOf, isLoopbackAddress } from "./loopback.mjs";

describe("token checks", () => {
  const token = "s3cret-token";

  it("accepts the Bearer token and the session cookie, nothing else", () => {
    expect(isAuthorized(token, { authorization: `Bearer ${token}`, cookie: undefined })).toBe(true);
    expect(isAuthorized(token, { authorization: `bearer  ${token}`, cookie: undefined })).toBe(true);
    expect(isAuthorized(token, { authorization: null, cookie: sessionCookieValue(token) })).toBe(true);
    expect(isAuthorized(token, { authorization: null, cookie: undefined })).toBe(false);
    expect(isAuthorized(token, { authorization: "Bearer wrong", cookie: undefined })).toBe(false);
    expect(isAuthorized(token, { authorization: token, cookie: undefined })).toBe(false);
    // The cookie holds a MAC, so the raw token in the cookie is not a session.
    expect(isAuthorized(token, { authorization: null, cookie: token })).toBe(false);
    expect(isAuthorized(token, { authorization: null, cookie: sessionCookieValue("other") })).toBe(false);
  });

  it("compares strings of different lengths without throwing", () => {
    expect(safeEqual("a", "a")).toBe(true);
    expect(safeEqual("a", "ab")).toBe(false);
    expect(safeEqual("", "")).toBe(true);
  });

  it("only redirects to local paths after login", () => {
    expect(safeNextPath("/editor?session=x")).toBe("/editor?session=x");
    expect(safeNextPath("//evil.example/")).toBe("/");
    expect(safeNextPath("/\\evil.example")).toBe("/");
    expect(safeNextPath("https://evil.example/")).toBe("/");
    expect(safeNextPath(null)).toBe("/");
  });
});

describe("loopback", () => {
  it("knows loopback from every-interface and public addresses", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST", "app.localhost"]) {
      expect(isLoopbackAddress(h), h).toBe(true);
    }
    for (const h of ["0.0.0.0", "::", "10.0.0.5", "192.168.1.1", "example.com", "", "127.0.0.1.evil.com"]) {
      expect(isLoopbackAddress(h), h).toBe(false);
    }
  });

  it("takes the host part of a Host header", () => {
    expect(hostnameOf("127.0.0.1:3000")).toBe("127.0.0.1");
    expect(hostnameOf("[::1]:3000")).toBe("[::1]");
    expect(hostnameOf("localhost")).toBe("localhost");
    expect(hostnameOf("evil.example:80")).toBe("evil.example");
  });
});

describe("service API credentials", () => {
  const token = "api-token-xyz";
  const none = { authorization: null, cookie: undefined, apiKey: null, queryKey: null };
  it("matches Bearer, X-API-Key and ?api_key= as header credentials, the cookie as a cookie", () => {
    expect(apiAuthorization(token, { ...none, authorization: `Bearer ${token}` })).toBe("header");
    expect(apiAuthorization(token, { ...none, apiKey: token })).toBe("header");
    expect(apiAuthorization(token, { ...none, queryKey: token })).toBe("header");
    expect(apiAuthorization(token, { ...none, cookie: sessionCookieValue(token) })).toBe("cookie");
    expect(apiAuthorization(token, none)).toBeNull();
    expect(apiAuthorization(token, { ...none, apiKey: "wrong", queryKey: `${token}x` })).toBeNull();
    expect(apiAuthorization(token, { ...none, cookie: token })).toBeNull();
  });
});
