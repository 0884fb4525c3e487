import { expect, test } from "@playwright/test";
import { ChatPage } from "./pages/chat-page";

// Chat driving the agent proxy: the model calls go through /agent/v1's turn pipeline (recorded as an
// agent session), the model's tools are the sandbox tools and run in the real sandbox, and the run
// links to its session on the Agents page, where the turns and the sandbox run share one timeline.
// The scripted SGLang server behind the proxy (e2e/fixtures/agent-upstream.ts) calls
// code_interpreter when asked to compute "in the sandbox", then answers from the tool's output.

test.describe("Chat on the agent proxy", () => {
  test("a tool-using chat is recorded as an agent session, its sandbox run on the session's timeline", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.goto();
    await page.getByTestId("settings-backend").selectOption("agent-proxy");
    await expect(page.getByTestId("settings-agent-proxy")).toBeVisible();
    await expect(page.getByTestId("settings-model")).toHaveCount(0);
    await chat.setProblem("What is 6 times 7? Compute it in the sandbox.", "42");
    await chat.run();
    await chat.expectStatus("completed");

    // The model's tool call ran in the sandbox; its answer came from the output.
    const card = chat.toolCalls().first();
    await expect(card.getByTestId("tool-call-code")).toContainText("print(6 * 7)");
    await expect(card.getByTestId("tool-call-result")).toContainText("42");
    await expect(chat.transcript).toContainText("The sandbox printed 42");
    await expect(page.getByTestId("run-fidelity")).toHaveText("trained as an agent session");

    const link = page.getByTestId("run-agent-session");
    const sid = await link.getAttribute("data-sid");
    expect(sid).toMatch(new RegExp(`^chat-${chat.sessionId()}-\\d+$`));
    await link.click();
    await expect(page).toHaveURL(new RegExp(`/agents\\?sid=${sid}`));
    const detail = page.getByTestId("agent-session-detail");
    await expect(detail).toHaveAttribute("data-sid", sid!);
    await expect(detail.getByTestId("agent-turn")).toHaveCount(2);
    await expect(detail.getByTestId("agent-tool-call").first()).toHaveText('code_interpreter({"code":"print(6 * 7)"})');
    // Time order: the model's tool call, the command that ran with its output, the next turn.
    const items = detail.getByTestId("agent-timeline").locator(":scope > li");
    await expect(items).toHaveCount(3);
    await expect(items.nth(0)).toHaveAttribute("data-testid", "agent-turn");
    await expect(items.nth(1)).toHaveAttribute("data-testid", "agent-sandbox-call");
    await expect(items.nth(1)).toContainText("print(6 * 7)");
    await expect(items.nth(1)).toContainText("42");
    await expect(items.nth(2)).toHaveAttribute("data-testid", "agent-turn");
    // The run ended, so its session was finished: the Samples slime would train on are final.
    await expect(page.getByTestId("agent-session-state")).toHaveText("finished");
    await page.getByTestId("agent-tab-samples").click();
    await expect(page.getByTestId("agent-sample")).toHaveCount(1);
  });
});
