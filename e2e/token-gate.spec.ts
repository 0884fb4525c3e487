import { expect, request as playwrightRequest, test } from "@playwright/test";
import { EditorPage } from "./pages/editor-page";
import { e2eToken, tokenBaseURL } from "./support/servers";

// Runs against the twin server started with PLAYGROUND_TOKEN (project "token-gate").

const bearer = { Authorization: `Bearer ${e2eToken}` };

test.describe("token gate", () => {
  test("answers 401 to pages, routes and static files without the token", async ({ request }) => {
    const page = await request.get("/editor", { headers: { accept: "text/html" }, maxRedirects: 0 });
    expect(page.status()).toBe(401);
    const html = await page.text();
    expect(html).toContain('data-testid="login-form"');
    expect(html).toContain('action="/api/login"');

    for (const path of ["/", "/chat", "/inspect", "/monaco/vs/loader.js", "/_next/image?url=%2Fx.png&w=64&q=75"]) {
      const r = await request.get(path, { maxRedirects: 0 });
      expect(r.status(), path).toBe(401);
    }
    const cancel = await request.post("/api/runs/abcdefgh1234/cancel");
    expect(cancel.status()).toBe(401);
    expect(await cancel.json()).toMatchObject({ error: { code: "unauthorized:token" } });

    const wrong = await request.get("/chat", { headers: { Authorization: "Bearer not-the-token" } });
    expect(wrong.status()).toBe(401);
    // The login page itself stays reachable.
    expect((await request.get("/login")).status()).toBe(200);
  });

  test("accepts Authorization: Bearer on pages and routes", async ({ request }) => {
    const page = await request.get("/chat", { headers: bearer });
    expect(page.status()).toBe(200);
    const cancel = await request.post("/api/runs/abcdefgh1234/cancel", { headers: bearer });
    expect(cancel.status()).toBe(200);
    expect(await cancel.json()).toEqual({ runId: "abcdefgh1234", cancelled: false });
    const monaco = await request.get("/monaco/vs/loader.js", { headers: bearer });
    expect(monaco.status()).toBe(200);
  });

  test("login form sets an HttpOnly SameSite=Strict cookie; a wrong token is refused", async ({ request }) => {
    const bad = await request.post("/api/login", { form: { token: "nope", next: "/chat" }, maxRedirects: 0 });
    expect(bad.status()).toBe(303);
    expect(bad.headers()["location"]).toContain("/login?error=1");
    expect(bad.headers()["set-cookie"]).toBeUndefined();

    const good = await request.post("/api/login", { form: { token: e2eToken, next: "/chat" }, maxRedirects: 0 });
    expect(good.status()).toBe(303);
    expect(good.headers()["location"]).toBe("/chat");
    const cookie = good.headers()["set-cookie"] ?? "";
    expect(cookie).toMatch(/^playground_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toContain(e2eToken);

    // Open redirects are not followed.
    const evil = await request.post("/api/login", { form: { token: e2eToken, next: "//evil.example/" }, maxRedirects: 0 });
    expect(evil.headers()["location"]).toBe("/");
  });

  test("a person signs in, then the Editor (Monaco included) runs code; server actions need the token", async ({
    page,
  }) => {
    const first = await page.goto("/editor");
    expect(first?.status()).toBe(401);
    await page.getByTestId("login-token").fill("wrong-token");
    await page.getByTestId("login-submit").click();
    await expect(page.getByTestId("login-error")).toBeVisible();

    await page.getByTestId("login-token").fill(e2eToken);
    await page.getByTestId("login-submit").click();
    await expect(page).toHaveURL(/\/editor\?.*session=/);

    const editor = new EditorPage(page);
    await editor.waitForMonaco();

    // Capture a real server action call from the signed-in page.
    const actionRequest = page.waitForRequest((r) => r.method() === "POST" && "next-action" in r.headers());
    await editor.setCode("print(1 + 1)");
    await editor.run();
    await editor.expectStatus("success");
    await expect(editor.stdout()).toHaveText("2\n");
    const captured = await actionRequest;

    // Replay it from a context without the cookie: 401. With the Bearer header: it runs.
    const headers: Record<string, string> = {};
    for (const name of ["next-action", "content-type", "accept", "next-router-state-tree"]) {
      const v = captured.headers()[name];
      if (v) headers[name] = v;
    }
    const url = new URL(captured.url());
    const anonymous = await playwrightRequest.newContext({ baseURL: tokenBaseURL });
    try {
      const denied = await anonymous.post(url.pathname + url.search, { headers, data: captured.postData() ?? "" });
      expect(denied.status()).toBe(401);
      const allowed = await anonymous.post(url.pathname + url.search, {
        headers: { ...headers, ...bearer },
        data: captured.postData() ?? "",
      });
      expect(allowed.status()).toBe(200);
      expect(await allowed.text()).toContain("success");
    } finally {
      await anonymous.dispose();
    }

    // Signing out drops the cookie: the gate closes again.
    await page.getByTestId("sign-out").click();
    await expect(page.getByTestId("login-form")).toBeVisible();
    const after = await page.goto("/editor");
    expect(after?.status()).toBe(401);
  });
});
