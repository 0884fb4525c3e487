import { expect, type Locator, type Page } from "@playwright/test";

/** The Chat page: settings on the left, the streaming transcript in the middle. */
export class ChatPage {
  readonly settings: Locator;
  readonly transcript: Locator;
  readonly reward: Locator;

  constructor(readonly page: Page) {
    this.settings = page.getByTestId("chat-settings");
    this.transcript = page.getByTestId("transcript");
    this.reward = page.getByTestId("reward-card");
  }

  async goto(path = "/chat") {
    await this.page.goto(path);
    await expect(this.page).toHaveURL(/\/chat\?session=[a-f0-9]{16}/);
    await expect(this.settings).toBeVisible();
  }

  sessionId(): string {
    return new URL(this.page.url()).searchParams.get("session") ?? "";
  }

  async useOpenAiCompletions(url: string, model = "fake-retool-model") {
    await this.page.getByTestId("settings-backend").selectOption("openai-completions");
    await this.page.getByTestId("settings-endpoint-url").fill(url);
    await this.page.getByTestId("settings-model").fill(model);
  }

  async setProblem(prompt: string, label: string) {
    await this.page.getByTestId("settings-prompt").fill(prompt);
    await this.page.getByTestId("settings-label").fill(label);
  }

  async run() {
    await this.page.getByTestId("run-button").click();
  }

  /** Waits for the run to end: the first run of a cold server starts a sandbox, so give it a minute. */
  async expectStatus(status: "completed" | "truncated" | "aborted") {
    await expect(this.page.getByTestId("run-status")).toHaveText(status, { timeout: 60_000 });
  }

  toolCalls(): Locator {
    return this.transcript.getByTestId("tool-call");
  }

  async editToolCodeAndRerun(index: number, code: string) {
    const card = this.toolCalls().nth(index);
    await card.getByTestId("tool-code-edit").click();
    await card.getByTestId("tool-code-textarea").fill(code);
    await card.getByTestId("tool-code-rerun").click();
  }
}
