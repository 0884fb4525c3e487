import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { formatRetoolPrompt } from "../lib/rollout/template";
import { qwenIds, retoolSample, writeRolloutDump } from "./support/dumps";
import { dataRoot } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 20.3: "Open in Chat" from a slime dump reproduces the sample: the prompt is not templated a
// second time (same prompt tokens), every recorded turn is carried over (the replay does not stop
// after turn 1), and Chat says it continues from the turn picked in Inspect.
// One folder per worker: another worker's afterAll must not remove files this one reads.
const dir = `e2e-open-in-chat-${process.env.TEST_WORKER_INDEX ?? "0"}`;
const question = "What is 17 * 23 + 4? Use Python.";
const retoolPrompt = formatRetoolPrompt(question);
// A prompt templated by another chat template (Hugging Face's, with newlines after the roles).
const hfPrompt = `<|im_start|>system\nYou are a careful assistant.<|im_end|>\n<|im_start|>user\n${question}<|im_end|>\n<|im_start|>assistant\n`;
const turns = [
  "Let me multiply first.\n<code>\nprint(17 * 23)\n</code>",
  "Now add 4.\n<code>\nprint(17 * 23 + 4)\n</code>",
  "So the result is 395.\n\nAnswer: \\boxed{395}",
];

test.beforeAll(() => {
  const s = (index: number, prompt: string) =>
    retoolSample({ prompt, turns, observations: ["Output:\n391", "Output:\n395"], label: "395", reward: { score: 1, acc: true, pred: "395" }, index, group: index });
  writeRolloutDump(path.join(dataRoot, dir, "rollout_data", "3.pt"), [s(0, retoolPrompt), s(1, hfPrompt)], 3);
});
test.afterAll(() => fs.rmSync(path.join(dataRoot, dir), { recursive: true, force: true }));

async function openInChat(page: Page, row: number, turn: number): Promise<void> {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(`${dir}/rollout_data/3.pt`)}&sample=${row}`);
  await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
  await inspect.expectSample(row);
  await page.getByTestId(`turn-${turn}`).click();
  await expect(page.getByTestId("open-in-chat")).toHaveText(`Open in Chat (turn ${turn + 1})`);
  await page.getByTestId("open-in-chat").click();
  await expect(page).toHaveURL(/\/chat\?session=[a-f0-9]{16}/, { timeout: 30_000 });
  await expect(page.getByTestId("chat-settings")).toBeVisible();
}

test("a ReTool dump sample: the question in Problem, the same prompt tokens, every turn, from the picked turn", async ({ page }) => {
  await openInChat(page, 0, 1);
  // The problem is the user's question, not the templated prompt.
  await expect(page.getByTestId("settings-prompt")).toHaveValue(question);
  await expect(page.getByTestId("settings-prompt-text")).toHaveCount(0); // slime's template renders it back exactly
  await expect(page.getByTestId("chat-handoff-banner")).toContainText("at turn 2 of 3");

  await page.getByTestId("run-button").click();
  await expect(page.getByTestId("run-status")).toHaveText("completed", { timeout: 60_000 });
  await expect(page.getByTestId("run-error")).toHaveCount(0);
  await expect(page.getByTestId("run-prompt-tokens")).toHaveText(String(qwenIds(retoolPrompt).length));
  await expect(page.getByTestId("turn")).toHaveCount(3);
  await expect(page.getByTestId("turn").nth(2)).toContainText("\\boxed{395}");
  await expect(page.getByTestId("reward-card")).toBeVisible();
});

test("a sample templated another way starts from the recorded prompt text, token for token", async ({ page }) => {
  await openInChat(page, 1, 0);
  await expect(page.getByTestId("settings-prompt")).toHaveValue(question);
  await expect(page.getByTestId("settings-prompt-text")).toBeVisible();
  await page.getByTestId("run-button").click();
  await expect(page.getByTestId("run-status")).toHaveText("completed", { timeout: 60_000 });
  await expect(page.getByTestId("run-prompt-tokens")).toHaveText(String(qwenIds(hfPrompt).length));
  await expect(page.getByTestId("turn")).toHaveCount(3);
});
