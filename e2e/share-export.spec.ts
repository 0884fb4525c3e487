import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";
import { InspectPage } from "./pages/inspect-page";
import { dataRoot } from "./support/inspect-data";
import { shot, viewports } from "./support/shots";

// Issue 20, "hand it to a teammate", without a token: the view is in the URL (Copy link), a Chat
// run exports as a slime Sample JSON line that Inspect and `cli read` read back, and as one HTML
// file that opens offline; presenting mode steps through the turns with the keyboard, in Chat and
// in Inspect, with its state in the URL.

const dir = `e2e-share-export-${process.env.TEST_WORKER_INDEX ?? "0"}`;
test.beforeAll(() => fs.mkdirSync(path.join(dataRoot, dir), { recursive: true }));
test.afterAll(() => fs.rmSync(path.join(dataRoot, dir), { recursive: true, force: true }));

test("a Chat run: view in the URL, JSONL that Inspect and cli read back, HTML offline, presenting", async ({ page, browser }) => {
  test.setTimeout(180_000);
  await page.setViewportSize(viewports[0]);
  const chat = new ChatPage(page);
  await chat.goto("/chat?new=1");
  await chat.run();
  await chat.expectStatus("completed");
  const session = chat.sessionId();

  // The view is in the URL, and Copy link gives that URL: it reopens the same view.
  await page.getByTestId("view-raw").click();
  await expect(page).toHaveURL(/[?&]view=raw(&|$)/);
  await page.getByTestId("copy-link").click();
  const copied = await page.getByTestId("copy-link-result").getAttribute("data-url");
  expect(new URL(copied!).searchParams.get("session")).toBe(session);
  expect(new URL(copied!).searchParams.get("run")).toMatch(/^[a-f0-9]{16}$/);
  const second = await page.context().newPage();
  await second.goto(copied!);
  await expect(second.getByTestId("view-raw")).toHaveClass(/bg-indigo-600/);
  await second.close();
  await page.getByTestId("view-transcript").click();

  // JSON Lines: one slime Sample.
  const [jsonl] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-run-jsonl").click()]);
  expect(jsonl.suggestedFilename()).toMatch(/^chat-[a-f0-9]{8}-run1\.jsonl$/);
  const jsonlPath = path.join(dataRoot, dir, "run1.jsonl");
  await jsonl.saveAs(jsonlPath);
  const text = fs.readFileSync(jsonlPath, "utf8");
  expect(text.trim().split("\n")).toHaveLength(1);
  const exported = JSON.parse(text) as Record<string, unknown>;
  expect(exported).toMatchObject({ status: "completed", reward: 1, tool_call_count: 1, label: "2870" });
  expect(exported.response).toContain("<interpreter>\nOutput:\n2870\n</interpreter>");

  // `cli read` gives every field back.
  const r = spawnSync("npm", ["run", "--silent", "cli", "--", "read", jsonlPath], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  const read = JSON.parse(r.stdout.trim()) as Record<string, unknown>;
  for (const [k, v] of Object.entries(exported)) expect(read[k], k).toEqual(v);
  expect(read.extra).toEqual({});

  // Inspect reads it back: the same reward, status and turns.
  const inspectPage = await page.context().newPage();
  await inspectPage.setViewportSize(viewports[0]);
  const inspect = new InspectPage(inspectPage);
  await inspect.goto(`file=${encodeURIComponent(`${dir}/run1.jsonl`)}&sample=0`);
  await inspect.expectSample(0);
  await expect(inspectPage.getByTestId("detail-reward")).toContainText("1");
  await expect(inspectPage.getByTestId("detail-label")).toContainText("2870");
  // Presenting the sample in Inspect: j/k step turns (not samples), the state is in the URL.
  await inspectPage.getByTestId("present-sample").click();
  const presenting = inspectPage.getByTestId("presenting");
  await expect(presenting).toHaveAttribute("data-turn", "0");
  await expect(presenting).toHaveAttribute("data-turns", "2");
  await inspectPage.keyboard.press("j");
  await expect(presenting).toHaveAttribute("data-turn", "1");
  await inspect.expectParam("present", "1");
  await inspect.expectParam("turn", "1");
  await expect(inspectPage.getByTestId("presenting-turn")).toContainText("\\boxed{2870}");
  await inspectPage.reload();
  await expect(inspectPage.getByTestId("presenting")).toHaveAttribute("data-turn", "1");
  await inspectPage.keyboard.press("k");
  await expect(inspectPage.getByTestId("presenting")).toHaveAttribute("data-turn", "0");
  await inspect.expectSample(0);
  await inspectPage.keyboard.press("Escape");
  await expect(inspectPage.getByTestId("presenting")).toHaveCount(0);
  await inspect.expectParam("present", null);
  await inspectPage.close();

  // HTML: one file that opens from disk with the network off.
  const [html] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-run-html").click()]);
  const htmlPath = test.info().outputPath("run1.html");
  await html.saveAs(htmlPath);
  const ctx = await browser.newContext({ viewport: viewports[0], offline: true });
  const requests: string[] = [];
  await ctx.route("**/*", (route) => {
    if (route.request().url().startsWith("file://")) return route.continue();
    requests.push(route.request().url());
    return route.abort();
  });
  const offline = await ctx.newPage();
  await offline.goto(`file://${htmlPath}`);
  await expect(offline.getByTestId("export-title")).toHaveText(`Chat session ${session} · run 1`);
  await expect(offline.getByTestId("export-turn")).toHaveCount(2);
  await expect(offline.getByTestId("export-turn").nth(0)).toContainText("Output:\n2870");
  await expect(offline.getByTestId("export-meta")).toContainText("reward 1");
  for (const v of viewports) {
    await offline.setViewportSize(v);
    await shot(offline, test.info(), "export-html-chat-offline");
  }
  expect(requests).toEqual([]);
  await ctx.close();

  // Presenting the run: large type, no chrome, j/k and arrows step, the turn is in the URL.
  await page.getByTestId("present-run").click();
  const p = page.getByTestId("presenting");
  await expect(p).toHaveAttribute("data-turn", "0");
  await expect(page.getByTestId("presenting-question")).toContainText(String(exported.prompt).slice(0, 40));
  await expect(page.getByTestId("run-button")).toHaveCount(0);
  await expect(page).toHaveURL(/[?&]present=1&turn=0/);
  for (const v of viewports) {
    await page.setViewportSize(v);
    await shot(page, test.info(), "presenting-chat-turn1");
  }
  await page.keyboard.press("ArrowRight");
  await expect(p).toHaveAttribute("data-turn", "1");
  await expect(page).toHaveURL(/[?&]turn=1/);
  await expect(page.getByTestId("presenting-reward")).toContainText("reward 1");
  await page.setViewportSize(viewports[0]);
  await shot(page, test.info(), "presenting-chat-turn2");
  await page.reload();
  await expect(page.getByTestId("presenting")).toHaveAttribute("data-turn", "1");
  await page.keyboard.press("k");
  await expect(page.getByTestId("presenting")).toHaveAttribute("data-turn", "0");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("presenting")).toHaveCount(0);
  await expect(page).not.toHaveURL(/present=/);
  await expect(page.getByTestId("run-button")).toBeVisible();
});
