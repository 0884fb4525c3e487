import { expect, test } from "@playwright/test";
import { startFakeModelServer, type FakeModelServer } from "./fixtures/fake-model-server";
import { ChatPage } from "./pages/chat-page";

// Issue 11, item 9: what a new user trips on in Chat.

test.use({ viewport: { width: 1440, height: 900 } });

let server: FakeModelServer;
test.beforeAll(async () => {
  server = await startFakeModelServer();
});
test.afterAll(async () => {
  await server.close();
});

test.describe("Chat runs", () => {
  test("the panel shows the viewed run's settings read-only; edit and re-run; Ctrl+Enter; labelled tabs; the shaped score explained", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    // Ctrl+Enter starts a rollout.
    await page.getByTestId("settings-label").click();
    await page.keyboard.press("ControlOrMeta+Enter");
    await chat.expectStatus("completed");
    await expect(chat.reward.getByTestId("reward-score")).toHaveText("1.0");

    // The aside now shows what run 1 ran with, not the form.
    await expect(chat.settings).toHaveCount(0);
    const runSettings = page.getByTestId("run-settings");
    await expect(runSettings).toHaveAttribute("data-run-n", "1");
    await expect(runSettings.getByTestId("run-settings-label")).toHaveText("2870");
    await expect(runSettings.getByTestId("run-settings-reward")).toHaveText("retool");

    // Edit and re-run: the form opens with run 1's settings; change the label; run again.
    await runSettings.getByTestId("run-settings-edit").click();
    await expect(page.getByTestId("settings-label")).toHaveValue("2870");
    await page.getByTestId("settings-label").fill("7");
    await page.keyboard.press("ControlOrMeta+Enter");
    await expect(page.getByTestId("run-tab")).toHaveCount(2);
    await chat.expectStatus("completed");
    await expect(page.getByTestId("run-settings")).toHaveAttribute("data-run-n", "2");
    await expect(page.getByTestId("run-settings-label")).toHaveText("7");

    // A wrong answer after one tool call: the card explains −1.05 from the reward's inputs.
    await expect(chat.reward.getByTestId("reward-score")).toHaveText("-1.05");
    await expect(chat.reward.getByTestId("reward-shaping-formula")).toHaveText("−1 + (1 − 2)/2 · 0.1 = −1.05; min(−0.6, −1.05) = −1.05");
    await expect(chat.reward.getByTestId("reward-shaping")).toContainText("n = 1 tool call");
    // Scrolled down to the reward, Run and the run's settings are still on screen.
    await chat.reward.scrollIntoViewIfNeeded();
    await expect(page.getByTestId("run-button")).toBeInViewport();
    await expect(page.getByTestId("run-settings-label")).toBeInViewport();

    // Tabs: the score is labelled and a tooltip says what the run is.
    const tabs = page.getByTestId("run-tab");
    await expect(tabs.nth(0).getByTestId("run-tab-score")).toHaveText(" · score 1");
    await expect(tabs.nth(1).getByTestId("run-tab-score")).toHaveText(" · score -1.05");
    await expect(tabs.nth(1)).toHaveAttribute("title", /^Run 2 · completed · reward score -1\.05 \(retool\) · 1 tool call · started /);

    // Selecting run 1 shows run 1's settings again.
    await tabs.nth(0).click();
    await expect(page.getByTestId("run-settings")).toHaveAttribute("data-run-n", "1");
    await expect(page.getByTestId("run-settings-label")).toHaveText("2870");
  });

  test("after a tool call is edited, the replayed turns that follow are marked as recorded text", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.run();
    await chat.expectStatus("completed");
    await expect(page.getByTestId("turn-recorded-after-edit")).toHaveCount(0);

    await chat.editToolCodeAndRerun(0, "print(2871)");
    await expect(page.getByTestId("run-tab")).toHaveCount(2);
    await chat.expectStatus("completed");
    await expect(chat.toolCalls().first().getByTestId("tool-call-result")).toContainText("2871");
    // Turn 2 still says "printed 2870": it is the recording, and the page says so.
    const turn2 = chat.transcript.locator('[data-testid="turn"][data-index="1"]');
    await expect(turn2).toContainText("The interpreter printed 2870");
    await expect(turn2.getByTestId("turn-recorded-after-edit")).toHaveText("recorded text, may not match the new output");
    await expect(chat.transcript.locator('[data-testid="turn"][data-index="0"]').getByTestId("turn-recorded-after-edit")).toHaveCount(0);
    await expect(page.getByTestId("replay-after-edit-note")).toBeVisible();
  });

  test("a model-URL error goes away once the URL changes", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.useOpenAiCompletions("not a url");
    // Listing models against it fails, and says so; a new URL clears it.
    await page.getByTestId("settings-fetch-models").click();
    await expect(page.getByTestId("settings-models-error")).toBeVisible();
    await page.getByTestId("settings-endpoint-url").fill("also not a url");
    await expect(page.getByTestId("settings-models-error")).toHaveCount(0);

    // A run with it ends with the model error.
    await chat.run();
    await chat.expectStatus("aborted");
    await expect(page.getByTestId("run-error")).toContainText("is not a URL");
    // Edit the settings: once the URL is another one, the old error no longer stands on screen.
    await page.getByTestId("run-settings-edit").click();
    await expect(page.getByTestId("run-error")).toBeVisible();
    await page.getByTestId("settings-endpoint-url").fill(server.url + "/v1");
    await expect(page.getByTestId("run-error")).toHaveCount(0);
    await expect(page.getByTestId("run-error-stale")).toContainText("another endpoint");
    await page.getByTestId("settings-fetch-models").click();
    await expect(page.getByTestId("settings-models")).toContainText("fake-retool-model");
  });

  test("Chat → Editor → Chat through the header comes back to the same session and run", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    const session = chat.sessionId();
    await chat.run();
    await chat.expectStatus("completed");
    await page.getByTestId("nav-editor").click();
    await expect(page).toHaveURL(/\/editor\?/);
    await page.getByTestId("nav-chat").click();
    await expect(page).toHaveURL(new RegExp(`/chat\\?session=${session}`));
    await chat.expectStatus("completed");
    await page.getByTestId("chat-new-session").click();
    await expect(page).toHaveURL(/\/chat\?session=/);
    expect(chat.sessionId()).not.toBe(session);
    await expect(page.getByTestId("chat-empty")).toBeVisible();
  });
});
