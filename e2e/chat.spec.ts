import { expect, test } from "@playwright/test";
import { startFakeModelServer, type FakeModelServer } from "./fixtures/fake-model-server";
import { ChatPage } from "./pages/chat-page";

// The fake model server runs in the test process; the app reaches it over real HTTP.
let server: FakeModelServer;
test.beforeAll(async () => {
  server = await startFakeModelServer();
});
test.afterAll(async () => {
  await server.close();
});

test.describe("Chat", () => {
  test("a fresh Chat replays a shipped sample with no configuration, and a reload keeps the session", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto("/chat");
    await expect(page.getByTestId("settings-backend")).toHaveValue("replay");
    await chat.run();
    await chat.expectStatus("completed");

    // The recorded code ran live in the sandbox.
    const card = chat.toolCalls().first();
    await expect(card.getByTestId("tool-call-code")).toContainText("sum(k * k for k in range(1, 21))");
    await expect(card.getByTestId("tool-call-result").getByTestId("tool-status")).toHaveText("success");
    await expect(card.getByTestId("tool-call-result")).toContainText("2870");
    // The observation is exactly slime's text, newlines included.
    expect(await chat.transcript.getByTestId("observation-text").first().textContent()).toBe(
      "\n\n<interpreter>\nOutput:\n2870\n</interpreter>\n\n",
    );
    await expect(chat.reward.getByTestId("reward-score")).toHaveText("1.0");
    await expect(chat.reward.getByTestId("reward-pred")).toHaveText("2870");
    await expect(chat.reward.getByTestId("reward-view-highlight")).toContainText("2870");
    // KaTeX rendered the model's maths from the local bundle.
    await expect(chat.transcript.locator(".katex").first()).toBeVisible();

    const url = page.url();
    await page.reload();
    await expect(page).toHaveURL(url);
    await chat.expectStatus("completed");
    await expect(chat.reward.getByTestId("reward-score")).toHaveText("1.0");
  });

  test("a ReTool rollout against a model server: real sandbox output, slime's reward; editing the tool call changes the outcome", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.useOpenAiCompletions(server.url + "/v1");
    await chat.setProblem("What is 6 times 7?", "42");
    await chat.run();
    await chat.expectStatus("completed");

    const card = chat.toolCalls().first();
    await expect(card.getByTestId("tool-call-code")).toHaveText("print(6 * 7)");
    // The ToolResult's output is the exact text slime's sandbox hands the model.
    expect(await card.getByTestId("tool-call-result").getByTestId("tool-output").textContent()).toBe("Output:\n42");
    await expect(chat.reward.getByTestId("reward-score")).toHaveText("1.0");
    await expect(chat.reward.getByTestId("reward-acc")).toHaveText("true");
    await expect(chat.reward.getByTestId("reward-lenient-verdict")).toHaveText("equivalent");

    // Raw view: the exact ReTool prompt the trainer would send, then the response.
    await page.getByTestId("view-raw").click();
    await expect(page.getByTestId("raw-prompt")).toContainText("<|im_start|>userWhat is 6 times 7?<|im_end|>");
    await expect(page.getByTestId("raw-view")).toContainText("Answer: \\boxed{42}");
    // Beside it, the same prompt through the model's own chat template (Qwen3's, embedded), labelled.
    await page.getByTestId("prompt-templates").locator("summary").click();
    await expect(page.getByTestId("prompt-template-retool")).toContainText("slime ReTool template");
    await expect(page.getByTestId("prompt-template-model")).toContainText("Model chat template (Qwen3 tokenizer (embedded");
    await expect(page.getByTestId("prompt-template-model")).toContainText("<|im_start|>user\nWhat is 6 times 7?<|im_end|>\n<|im_start|>assistant");
    // Tokens: exact out of the box (Qwen3's tokenizer, named), the observation's tokens carry loss mask 0.
    await page.getByTestId("view-tokens").click();
    await expect(page.getByTestId("token-view-source")).toContainText("Qwen3 tokenizer (embedded");
    await expect
      .poll(async () => (await page.getByTestId("token-view").locator('[data-mask="0"]').allTextContents()).join(""))
      .toBe("\n\n<interpreter>\nOutput:\n42\n</interpreter>\n\n");
    await page.getByTestId("view-transcript").click();

    // Edit the code and re-run from that turn: the sandbox prints 48, the model answers 48, the reward drops.
    await chat.editToolCodeAndRerun(0, "print(6 * 8)");
    await expect(page.getByTestId("run-tab")).toHaveCount(2);
    await expect(page.getByTestId("run-tab").nth(1)).toHaveAttribute("data-selected", "true");
    await chat.expectStatus("completed");
    expect(await chat.toolCalls().first().getByTestId("tool-call-result").getByTestId("tool-output").textContent()).toBe("Output:\n48");
    await expect(chat.reward.getByTestId("reward-pred")).toHaveText("48");
    // Wrong answer after one tool call: min(-0.6, -1 + (1 - 2) / 2 * 0.1).
    await expect(chat.reward.getByTestId("reward-score")).toHaveText("-1.05");
    await expect(chat.reward.getByTestId("reward-compare")).toContainText("1.0");
    await expect(chat.toolCalls().first().getByTestId("tool-call-original")).toContainText("print(6 * 7)");

    // The original run is still there to compare.
    await page.getByTestId("run-tab").first().click();
    await expect(chat.reward.getByTestId("reward-score")).toHaveText("1.0");
  });

  test("a model server that drops the connection ends the run with a clear error and keeps the transcript", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.useOpenAiCompletions(server.url + "/fault/drop@2/v1");
    await chat.setProblem("What is 6 times 7?", "42");
    await chat.run();
    await chat.expectStatus("aborted");
    await expect(page.getByTestId("run-error")).toHaveAttribute("data-code", "unavailable:model");
    await expect(page.getByTestId("run-error")).toContainText("Could not reach the model server");
    // The first turn and its tool result survive.
    await expect(chat.toolCalls().first().getByTestId("tool-call-result")).toContainText("42");
    await expect(page.getByTestId("reward-none")).toBeVisible();
  });

  test("Stop ends a run waiting on a slow model", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.useOpenAiCompletions(server.url + "/fault/slow-60000/v1");
    await chat.run();
    await expect(page.getByTestId("stop-button")).toBeEnabled();
    await page.getByTestId("stop-button").click();
    await chat.expectStatus("aborted");
    await expect(page.getByTestId("run-error")).toHaveAttribute("data-code", "cancelled:user");
  });
});
