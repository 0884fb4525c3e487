import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";

// Issue 20.11: editing a tool call's code changes only the code. The model wrote
// `{"name": "code_interpreter", "arguments": {"code": …}}` with spaces; re-serializing it compactly
// changed the turn's tokens (65 → 61), not only the code.
test("an edited tool call keeps the model's JSON spacing: only the code's tokens change", async ({ page }) => {
  const chat = new ChatPage(page);
  await chat.goto("/chat?new=1&sample=sum-of-squares");
  await chat.run();
  await chat.expectStatus("completed");
  const turn0 = page.getByTestId("turn").first();
  const before = await turn0.getByTestId("turn-token-count").textContent();
  await expect(turn0.getByTestId("turn-text")).toContainText('{"name": "code_interpreter", "arguments": {"code": "total = sum(k * k for k in range(1, 21))');

  // One digit changes (21 → 22): the same number of tokens, the same JSON around it.
  await chat.editToolCodeAndRerun(0, "total = sum(k * k for k in range(1, 22))\nprint(total)");
  await expect(page.getByTestId("run-tab")).toHaveCount(2);
  await chat.expectStatus("completed");
  const edited = page.getByTestId("turn").first();
  await expect(edited.getByTestId("turn-text")).toContainText('{"name": "code_interpreter", "arguments": {"code": "total = sum(k * k for k in range(1, 22))\\nprint(total)"}}');
  await expect(edited.getByTestId("turn-token-count")).toHaveText(before!);
  await expect(chat.toolCalls().first().getByTestId("tool-output")).toContainText("3311");
});
