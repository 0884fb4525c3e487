import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { resetServerEnvForTests } from "@/lib/env";
import { readErrorEnvelope } from "@/lib/errors";
import { proxy } from "@/proxy";
import { sessionCookieValue } from "./token";

const token = "unit-test-token-123";

function req(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return new NextRequest(`http://127.0.0.1:3000${path}`, {
    method: init.method ?? "GET",
    headers: { host: "127.0.0.1:3000", ...init.headers },
  });
}
/** NextResponse.next() marks the response with this header; anything else answered the request. */
const passed = (r: Response) => r.headers.get("x-middleware-next") === "1";

function withToken(value: string | undefined) {
  if (value === undefined) delete process.env.PLAYGROUND_TOKEN;
  else process.env.PLAYGROUND_TOKEN = value;
  resetServerEnvForTests();
}

afterEach(() => withToken(undefined));

describe("proxy with a token", () => {
  it("answers 401 without credentials: a login form for pages, JSON for the rest", async () => {
    withToken(token);
    const page = proxy(req("/editor", { headers: { accept: "text/html" } }));
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('name="next" value="/editor"');
    const action = proxy(req("/editor", { method: "POST", headers: { "next-action": "abc" } }));
    expect(action.status).toBe(401);
    expect(await action.json()).toMatchObject({ error: { code: "unauthorized:token" } });
    expect(proxy(req("/api/runs/abcdefgh/cancel", { method: "POST" })).status).toBe(401);
  });

  it("answers refusals in the envelope the client reads, so a person sees the sentence, not \"HTTP 401\"", async () => {
    withToken(token);
    const unauthorized = await readErrorEnvelope(proxy(req("/api/runs/abcdefgh/cancel", { method: "POST" })));
    expect(unauthorized).toEqual({ code: "unauthorized:token", message: expect.stringMatching(/^Sign in at \/login/) });
    withToken(undefined);
    const host = await readErrorEnvelope(proxy(req("/editor", { headers: { host: "attacker.example:3000" } })));
    expect(host).toEqual({ code: "forbidden:host", message: expect.stringMatching(/only answers on localhost/) });
    const origin = await readErrorEnvelope(proxy(req("/editor", { method: "POST", headers: { origin: "http://evil.example" } })));
    expect(origin).toEqual({ code: "forbidden:origin", message: "Cross-origin requests are refused." });
  });

  it("lets the login page and login endpoint through", () => {
    withToken(token);
    expect(passed(proxy(req("/login")))).toBe(true);
    expect(passed(proxy(req("/api/login", { method: "POST" })))).toBe(true);
  });

  it("lets a read-only link's GET through (its route checks it); a browser holding one is refused runs with the reason", async () => {
    withToken(token);
    expect(passed(proxy(req("/share/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?session=x")))).toBe(true);
    expect(proxy(req("/share/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", { method: "POST" })).status).toBe(401);
    const viewer = { cookie: "playground_share=0123456789ab" };
    const run = proxy(req("/api/rollouts", { method: "POST", headers: viewer }));
    expect(run.status).toBe(403);
    expect(await readErrorEnvelope(run)).toEqual({ code: "forbidden:read_only", message: expect.stringContaining("runs nothing") });
    const action = proxy(req("/chat", { method: "POST", headers: { ...viewer, "next-action": "abc" } }));
    expect(action.status).toBe(403);
    // Pages still ask for the token; the viewer cookie grants nothing.
    expect(proxy(req("/chat", { headers: { ...viewer, accept: "text/html" } })).status).toBe(401);
  });

  it("accepts the Bearer header or the session cookie", () => {
    withToken(token);
    expect(passed(proxy(req("/editor", { headers: { authorization: `Bearer ${token}` } })))).toBe(true);
    expect(passed(proxy(req("/editor", { headers: { cookie: `playground_session=${sessionCookieValue(token)}` } })))).toBe(
      true,
    );
    expect(proxy(req("/editor", { headers: { cookie: `playground_session=${token}` } })).status).toBe(401);
    expect(proxy(req("/editor", { headers: { authorization: "Bearer nope" } })).status).toBe(401);
  });

  it("escapes the return path in the login form", async () => {
    withToken(token);
    const r = proxy(req('/editor?x="><script>', { headers: { accept: "text/html" } }));
    const body = await r.text();
    expect(body).not.toContain('"><script>');
  });
});

describe("proxy without a token", () => {
  it("serves loopback hosts and refuses others (DNS rebinding)", () => {
    expect(passed(proxy(req("/editor")))).toBe(true);
    expect(passed(proxy(req("/editor", { headers: { host: "localhost:3000" } })))).toBe(true);
    expect(proxy(req("/editor", { headers: { host: "attacker.example:3000" } })).status).toBe(403);
  });

  it("refuses cross-origin POSTs and allows same-origin ones", () => {
    expect(proxy(req("/editor", { method: "POST", headers: { origin: "http://evil.example" } })).status).toBe(403);
    expect(proxy(req("/editor", { method: "POST", headers: { origin: "null" } })).status).toBe(403);
    expect(passed(proxy(req("/editor", { method: "POST", headers: { origin: "http://127.0.0.1:3000" } })))).toBe(true);
  });
});

describe("proxy: the service API (/sandbox-fusion, /ms-enclave)", () => {
  const api = "/ms-enclave/sandbox/tool/execute";

  it("with a token: accepts Bearer, X-API-Key and ?api_key=, refuses without or with a wrong one in {detail}", async () => {
    withToken(token);
    const none = proxy(req(api, { method: "POST" }));
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ detail: "Unauthorized" });
    expect(passed(proxy(req(api, { method: "POST", headers: { authorization: `Bearer ${token}` } })))).toBe(true);
    expect(passed(proxy(req(api, { method: "POST", headers: { "x-api-key": token } })))).toBe(true);
    expect(passed(proxy(req(`/sandbox-fusion/run_code?api_key=${token}`, { method: "POST" })))).toBe(true);
    expect(proxy(req(api, { method: "POST", headers: { "x-api-key": "nope" } })).status).toBe(401);
    expect(proxy(req(`/sandbox-fusion/run_code?api_key=nope`, { method: "POST" })).status).toBe(401);
    // The query key only opens the service API, not the app.
    expect(proxy(req(`/editor?api_key=${token}`)).status).toBe(401);
    expect(proxy(req("/editor", { headers: { "x-api-key": token } })).status).toBe(401);
  });

  it("with a token: a key holder may call from any origin; a cookie from another site may not", () => {
    withToken(token);
    const cross = { origin: "http://notebook.example" };
    expect(passed(proxy(req(api, { method: "POST", headers: { ...cross, "x-api-key": token } })))).toBe(true);
    expect(passed(proxy(req(api, { method: "POST", headers: { ...cross, authorization: `Bearer ${token}` } })))).toBe(true);
    const cookie = `playground_session=${sessionCookieValue(token)}`;
    expect(proxy(req(api, { method: "POST", headers: { ...cross, cookie } })).status).toBe(403);
    expect(passed(proxy(req(api, { method: "POST", headers: { cookie } })))).toBe(true);
  });

  it("without a token: loopback server-to-server calls (no Origin) pass; other hosts and cross-site pages do not", async () => {
    expect(passed(proxy(req(api, { method: "POST", headers: { "content-type": "application/json" } })))).toBe(true);
    expect(passed(proxy(req("/sandbox-fusion/run_code", { method: "POST" })))).toBe(true);
    const remote = proxy(req(api, { method: "POST", headers: { host: "10.0.0.5:3000" } }));
    expect(remote.status).toBe(403);
    expect(await remote.json()).toHaveProperty("detail");
    expect(proxy(req(api, { method: "POST", headers: { origin: "http://evil.example" } })).status).toBe(403);
  });

  it("refuses a declared body over PLAYGROUND_API_MAX_BODY_MB with 413", async () => {
    process.env.PLAYGROUND_API_MAX_BODY_MB = "1";
    resetServerEnvForTests();
    try {
      const big = proxy(req("/sandbox-fusion/run_code", { method: "POST", headers: { "content-length": String(2 * 1024 * 1024) } }));
      expect(big.status).toBe(413);
      expect((await big.json()).detail).toMatch(/limit is 1 MB/);
      expect(passed(proxy(req("/sandbox-fusion/run_code", { method: "POST", headers: { "content-length": "1000" } })))).toBe(true);
      // Not an API route: no API body cap here.
      expect(passed(proxy(req("/editor", { method: "POST", headers: { "content-length": String(2 * 1024 * 1024) } })))).toBe(true);
    } finally {
      delete process.env.PLAYGROUND_API_MAX_BODY_MB;
      resetServerEnvForTests();
    }
  });

  it("agent proxy with a token: /agent/v1 takes the token in X-Playground-Token or ?api_key= (its Bearer is the session id); /agent/sessions takes Bearer", () => {
    withToken(token);
    const post = (path: string, headers: Record<string, string>) => proxy(req(path, { method: "POST", headers }));
    expect(post("/agent/v1/chat/completions", { authorization: "Bearer sid-1" }).status).toBe(401);
    expect(post("/agent/v1/messages", { "x-api-key": token }).status).toBe(401);
    expect(passed(post("/agent/v1/chat/completions", { authorization: "Bearer sid-1", "x-playground-token": token }))).toBe(true);
    expect(passed(post(`/agent/v1/messages?api_key=${token}`, { "x-api-key": "sid-1" }))).toBe(true);
    expect(passed(proxy(req("/agent/sessions", { headers: { authorization: `Bearer ${token}` } })))).toBe(true);
    expect(proxy(req("/agent/sessions")).status).toBe(401);
  });
});
