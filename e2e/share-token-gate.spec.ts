import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { EditorPage } from "./pages/editor-page";
import { InspectPage } from "./pages/inspect-page";
import { dataRoot } from "./support/inspect-data";
import { e2eToken, tokenBaseURL } from "./support/servers";
import { shot, viewports } from "./support/shots";

// Issue 20, "hand it to a teammate": read-only links. Runs against the token-gated twin (project
// "token-gate"): the owner signs in and makes a link; a fresh browser context without the token
// opens it, sees that one thing, is refused anything else (another thing, a run, an action, a page)
// and is refused the link itself once it is revoked or has expired. Chat runs, Inspect samples,
// Editor sessions and Traffic calls each get such a link.

const dir = `e2e-share-${process.env.TEST_WORKER_INDEX ?? "0"}`;
test.beforeAll(() => {
  fs.mkdirSync(path.join(dataRoot, dir), { recursive: true });
  const rows = [0, 1, 2].map((i) => ({
    prompt: `<|im_start|>user\nShared problem ${i}: what is ${i}+${i}? <tools></tools><|im_end|>\n<|im_start|>assistant\n`,
    response: `Let me check.\n<code>\nprint(${i}+${i})\n</code>\n\n<interpreter>\nOutput:\n${2 * i}\n</interpreter>\n\nAnswer: \\boxed{${2 * i}}`,
    label: String(2 * i),
    reward: i === 1 ? 1 : -1,
    status: "completed",
    group_index: 0,
    index: i,
  }));
  fs.writeFileSync(path.join(dataRoot, dir, "shared.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
});
test.afterAll(() => fs.rmSync(path.join(dataRoot, dir), { recursive: true, force: true }));

/** A fresh context has no baseURL: addresses on the twin server. */
const at = (p: string) => new URL(p, tokenBaseURL).toString();

async function signIn(page: Page) {
  const r = await page.request.post("/api/login", { form: { token: e2eToken, next: "/" }, maxRedirects: 0 });
  expect(r.status()).toBe(303);
}

async function makeLink(page: Page): Promise<string> {
  await page.getByTestId("share-readonly").click();
  await page.getByTestId("share-create").click();
  const url = await page.getByTestId("share-created").getAttribute("data-url");
  expect(url).toMatch(/\/share\/[A-Za-z0-9_-]{32}\?/);
  expect(url).not.toContain(e2eToken);
  return url!;
}

test("a Chat run's read-only link: one run, nothing runs, Revoke and expiry close it", async ({ page, browser }) => {
  test.setTimeout(180_000);
  await page.setViewportSize(viewports[0]);
  await signIn(page);
  const chat = new ChatPage(page);
  await chat.goto("/chat?new=1");
  await chat.run();
  await chat.expectStatus("completed");
  const session = chat.sessionId();
  const runId = new URL(page.url()).searchParams.get("run")!;
  const url = await makeLink(page);
  expect(new URL(url).searchParams.get("run")).toBe(runId);
  await shot(page, test.info(), "share-panel-owner");

  const guestCtx = await browser.newContext({ viewport: viewports[0] });
  const guest = await guestCtx.newPage();
  const opened = await guest.goto(url);
  expect(opened?.status()).toBe(200);
  await expect(guest.getByTestId("share-banner")).toContainText("runs nothing");
  await expect(guest.getByTestId("export-title")).toHaveText(`Chat session ${session} · run 1`);
  await expect(guest.getByTestId("export-turn")).toHaveCount(2);
  await expect(guest.getByTestId("export-turn").first()).toContainText("print(");
  await expect(guest.getByTestId("export-meta")).toContainText("reward 1");
  // Nothing on the page can run: no script, no form, no button.
  await expect(guest.locator("script, form, button")).toHaveCount(0);
  for (const v of viewports) {
    await guest.setViewportSize(v);
    await shot(guest, test.info(), "share-link-chat-run");
  }

  // Another thing through the same link: refused.
  const other = new URL(url);
  other.searchParams.set("run", "0000000000000000");
  const wrong = await guest.goto(other.toString());
  expect(wrong?.status()).toBe(403);
  expect(await wrong?.text()).toContain(`shows only Chat run ${runId}`);

  // Running is refused, and says why; the owner's pages stay behind the token.
  const start = await guest.request.post(at("/api/rollouts"), { data: { session_id: session } });
  expect(start.status()).toBe(403);
  expect(await start.json()).toMatchObject({ error: { code: "forbidden:read_only", message: expect.stringContaining("runs nothing") } });
  const exportRoute = await guest.request.get(at(`/api/rollouts/${runId}/export?session=${session}&format=jsonl`));
  expect(exportRoute.status()).toBe(403);
  const chatPage = await guest.goto(at(`/chat?session=${session}`));
  expect(chatPage?.status()).toBe(401);
  await expect(guest.getByTestId("login-form")).toBeVisible();

  // Revoke: the owner's list shows it revoked, and the link is refused.
  const item = page.getByTestId("share-item").first();
  await expect(item).toHaveAttribute("data-state", "active");
  await item.getByTestId("share-revoke").click();
  await expect(item).toHaveAttribute("data-state", "revoked");
  const revoked = await guest.goto(url);
  expect(revoked?.status()).toBe(403);
  expect(await revoked?.text()).toContain("revoked");

  // Expiry: a link made to live one second is refused once it has expired.
  const made = await page.request.post("/api/shares", { data: { target: { kind: "chat_run", session, run: runId }, ttl_s: 1 } });
  expect(made.status()).toBe(200);
  const { path: shortPath } = (await made.json()) as { path: string };
  await expect
    .poll(async () => {
      const r = await guestCtx.request.get(at(shortPath));
      return `${r.status()} ${(await r.text()).trim()}`;
    }, { timeout: 15_000 })
    .toBe("403 This read-only link has expired. Ask its owner for a new one.");
  await guestCtx.close();
});

test("an Inspect sample's read-only link shows that sample only", async ({ page, browser }) => {
  await page.setViewportSize(viewports[0]);
  await signIn(page);
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(`${dir}/shared.jsonl`)}&sample=1`);
  await inspect.expectSample(1);
  const url = await makeLink(page);

  const guestCtx = await browser.newContext({ viewport: viewports[1] });
  const guest = await guestCtx.newPage();
  expect((await guest.goto(url))?.status()).toBe(200);
  await expect(guest.getByTestId("export-title")).toHaveText(`${dir}/shared.jsonl · row 1`);
  await expect(guest.getByTestId("export-problem")).toContainText("Shared problem 1: what is 1+1? <tools></tools>");
  await expect(guest.getByTestId("export-turn").first()).toContainText("print(1+1)");
  await shot(guest, test.info(), "share-link-inspect-sample");

  const other = new URL(url);
  other.searchParams.set("sample", "2");
  const wrong = await guest.goto(other.toString());
  expect(wrong?.status()).toBe(403);
  expect(await wrong?.text()).toContain("shows only");
  // The file's other rows are not reachable either.
  const rows = await guest.request.post(at("/api/datasets"), { data: { source: `${dir}/shared.jsonl` } });
  expect(rows.status()).toBe(403);
  await guestCtx.close();
});

test("an Editor session's read-only link: code, files, last result; no Run, no edit", async ({ page, browser }) => {
  test.setTimeout(180_000);
  await page.setViewportSize(viewports[0]);
  await signIn(page);
  const editor = new EditorPage(page);
  await editor.goto();
  const session = editor.sessionId();
  // Unkind output: markup-looking text and a long line with no spaces.
  await editor.setCode('open("notes <b>.txt", "w").write("kept")\nprint("<b>not bold</b>", "z" * 50000)\n');
  await editor.run();
  await editor.expectStatus("success");
  await expect(editor.fileItem("notes <b>.txt")).toBeVisible();
  const url = await makeLink(page);
  expect(new URL(url).searchParams.get("editor")).toBe(session);
  await shot(page, test.info(), "share-panel-editor-owner");

  const guestCtx = await browser.newContext({ viewport: viewports[0] });
  const guest = await guestCtx.newPage();
  expect((await guest.goto(url))?.status()).toBe(200);
  await expect(guest.getByTestId("share-banner")).toContainText("shows this Editor session and runs nothing");
  await expect(guest.getByTestId("export-title")).toContainText(`Editor session ${session}`);
  await expect(guest.getByTestId("share-editor-code")).toContainText('print("<b>not bold</b>", "z" * 50000)');
  await expect(guest.getByTestId("share-editor-result")).toHaveAttribute("data-status", "success");
  await expect(guest.getByTestId("share-editor-result-stdout")).toContainText("<b>not bold</b> zzzz");
  await expect(guest.getByTestId("share-editor-file").filter({ hasText: "notes <b>.txt" })).toHaveCount(1);
  // A long line wraps inside the page: nothing scrolls sideways.
  expect(await guest.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await expect(guest.locator("script, form, button, textarea, input")).toHaveCount(0);
  for (const v of viewports) {
    await guest.setViewportSize(v);
    await shot(guest, test.info(), "share-link-editor-session");
  }

  // Another session through the same link: refused.
  const other = new URL(url);
  other.searchParams.set("editor", "0123456789abcdef");
  expect((await guest.goto(other.toString()))?.status()).toBe(403);
  // Editing, running and the Editor itself are the owner's.
  const put = await guest.request.put(at(`/api/editor/workspaces/${session}`), { data: { scratch: { python: "print('guest')" } } });
  expect(put.status()).toBe(403);
  expect(await put.json()).toMatchObject({ error: { code: "forbidden:read_only" } });
  expect((await guest.goto(at(`/editor?session=${session}`)))?.status()).toBe(401);

  // Revoked: refused.
  const item = page.getByTestId("share-item").first();
  await item.getByTestId("share-revoke").click();
  await expect(item).toHaveAttribute("data-state", "revoked");
  const revoked = await guestCtx.request.get(url);
  expect(revoked.status()).toBe(403);
  await guestCtx.close();
});

test("a Traffic call's read-only link: request, response and timing of that call only", async ({ page, browser }) => {
  test.setTimeout(180_000);
  await page.setViewportSize(viewports[0]);
  await signIn(page);
  const tag = `share${Date.now().toString(36)}`;
  // A program's call (with the token, as a training job sends it): 2 MB of output with no spaces.
  const call = async (code: string) => {
    const r = await page.request.post("/sandbox-fusion/run_code", {
      data: { code, language: "python" },
      headers: { authorization: `Bearer ${e2eToken}`, "user-agent": "python-requests/2.32.3" },
    });
    expect(r.status()).toBe(200);
  };
  await call(`print("${tag}-other")`);
  await call(`import sys\nsys.stdout.write("${tag}" + "x" * 2_000_000)`);
  await page.goto(`/traffic?q=${tag}`);
  await expect(page.getByTestId("traffic-row")).toHaveCount(2);
  const rows = page.getByTestId("traffic-row");
  const big = rows.filter({ hasText: "2_000_000" });
  const otherId = await rows.filter({ hasText: `${tag}-other` }).getAttribute("data-id");
  await big.click();
  const id = await big.getAttribute("data-id");
  const url = await makeLink(page);
  expect(new URL(url).searchParams.get("call")).toBe(id);

  const guestCtx = await browser.newContext({ viewport: viewports[0] });
  const guest = await guestCtx.newPage();
  expect((await guest.goto(url))?.status()).toBe(200);
  await expect(guest.getByTestId("share-banner")).toContainText("shows this call and runs nothing");
  await expect(guest.getByTestId("export-title")).toContainText("POST /sandbox-fusion/run_code");
  await expect(guest.getByTestId("export-meta")).toContainText("python-requests/2.32.3");
  await expect(guest.getByTestId("share-call-code-text")).toContainText('"x" * 2_000_000');
  await expect(guest.getByTestId("share-call-stdout-text")).toContainText(`${tag}xxxx`);
  // The output is cut to a head with the rest a click away, not a 2 MB page.
  await expect(guest.getByTestId("share-call-stdout-text-more")).toContainText("show all");
  await expect(guest.getByTestId("share-call-status")).toContainText("success");
  await expect(guest.getByTestId("share-call-timing")).toContainText("latency");
  expect(await guest.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await expect(guest.locator("script, form, button")).toHaveCount(0);
  for (const v of viewports) {
    await guest.setViewportSize(v);
    await shot(guest, test.info(), "share-link-traffic-call");
  }

  // The other call through the same link: refused; the Traffic page and its API are the owner's.
  const other = new URL(url);
  other.searchParams.set("call", otherId!);
  const wrong = await guest.goto(other.toString());
  expect(wrong?.status()).toBe(403);
  expect(await wrong?.text()).toContain(`shows only Traffic call ${id}`);
  expect((await guest.request.get(at(`/api/traffic/${otherId}`))).status()).toBe(403);
  expect((await guest.request.post(at(`/api/traffic/${id}/open`))).status()).toBe(403);
  await guestCtx.close();
});
