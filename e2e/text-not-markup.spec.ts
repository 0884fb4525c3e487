import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { formatRetoolPrompt } from "../lib/rollout/template";
import { retoolSample, writeRolloutDump } from "./support/dumps";
import { dataRoot } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 20.1: text from a dataset is never markup. A slime dump whose prompt is slime's ReTool
// template (`<tools></tools>`, `{"name": <function-name>, …}`) and whose turns mention tags keeps
// every angle-bracketed word in the trajectory tab, the full prompt and the group view.
// One folder per worker: another worker's afterAll must not remove files this one reads.
const dir = `e2e-text-not-markup-${process.env.TEST_WORKER_INDEX ?? "0"}`;
const question = 'Inside <tools></tools> tags, is <b>bold</b> markup? Reply as {"name": <function-name>}.';
const prose = 'I will call it as {"name": <function-name>, "arguments": <args-json-object>} and <script>alert(1)</script> stays text.';

test.beforeAll(() => {
  const s = (index: number) =>
    retoolSample({
      prompt: formatRetoolPrompt(question),
      turns: [`${prose}\n<code>\nprint(2+2)\n</code>`, "<tools>\nnone\n</tools>\n\nAnswer: \\boxed{4}"],
      observations: ["Output:\n4"],
      label: "4",
      reward: 1,
      index,
      group: 0,
    });
  writeRolloutDump(path.join(dataRoot, dir, "rollout_data", "0.pt"), [s(0), s(1)]);
});
test.afterAll(() => fs.rmSync(path.join(dataRoot, dir), { recursive: true, force: true }));

test("angle-bracketed dataset text is shown as text in the prompt, the turns and the group", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(`${dir}/rollout_data/0.pt`)}&sample=0`);
  await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
  await inspect.expectSample(0);

  const problem = page.getByTestId("detail-prompt");
  await expect(problem).toContainText("Inside <tools></tools> tags, is <b>bold</b> markup?");
  await expect(problem).toContainText('Reply as {"name": <function-name>}.');
  await expect(problem.locator("b")).toHaveCount(0);

  const turn0 = page.getByTestId("turn-0");
  await expect(turn0).toContainText('{"name": <function-name>, "arguments": <args-json-object>}');
  await expect(turn0).toContainText("<script>alert(1)</script> stays text");
  // A tag on its own lines (an HTML block to Markdown) keeps its lines too.
  await expect(page.getByTestId("turn-1")).toContainText("<tools>");
  await expect(page.getByTestId("turn-1")).toContainText("</tools>");

  // The full prompt: slime's ReTool system prompt, tags and placeholders included.
  await page.getByRole("button", { name: "show full prompt" }).click();
  const full = page.getByTestId("detail-full-prompt");
  await expect(full).toContainText("You are provided with function signatures within <tools></tools> XML tags:");
  await expect(full).toContainText('{"name": <function-name>, "arguments": <args-json-object>}');

  await page.getByTestId("open-group").click();
  await expect(page.getByTestId("group-view")).toBeVisible();
  await expect(page.getByTestId("group-prompt")).toContainText("Inside <tools></tools> tags");
  await expect(page.getByTestId("group-sample-0")).toContainText('{"name": <function-name>, "arguments": <args-json-object>}');
  expect(dialogs).toEqual([]);
});
