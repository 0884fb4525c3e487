import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { makeDumpsScript, torchPython } from "../lib/data/readers/testing/torch-python";
import { formatRetoolPrompt } from "../lib/rollout/template";
import { slimeSample, toJsonl } from "../lib/data/testing/fixtures";
import { retoolSample, writeRolloutDump } from "./support/dumps";
import { dataRoot } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 20, items 7, 12 and 14: the list shows the user's question (not the template's preamble),
// SFT tool calls with broken arguments or no reply are problems, an empty \boxed{} is said so, and
// a train dump names its format and the rollout dump it was joined with.
// One folder per worker: another worker's afterAll must not remove files this one reads.
const dir = `e2e-inspect-first-hour-${process.env.TEST_WORKER_INDEX ?? "0"}`;

test.beforeAll(() => {
  const python = torchPython();
  if (!python) throw new Error("this spec needs PyTorch: apt-get install python3-torch");
  const r = spawnSync(python, [makeDumpsScript, path.join(dataRoot, dir, "dumps"), "rollout", "train"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  const samples = [0, 1, 2].map((i) =>
    retoolSample({ prompt: formatRetoolPrompt(`Question ${i}: what is ${i} + ${i}?`), turns: [`Answer: \\boxed{${2 * i}}`], observations: [], label: String(2 * i), reward: 1, index: i, group: 0 }),
  );
  writeRolloutDump(path.join(dataRoot, dir, "retool", "rollout_data", "0.pt"), samples);
  const call = (id: string, args: string) => ({ id, type: "function", function: { name: "code_interpreter", arguments: args } });
  const sft = [
    { messages: [{ role: "user", content: "Square 3." }, { role: "assistant", content: "", tool_calls: [call("a", '{"code": "print(3**2)"')] }, { role: "tool", tool_call_id: "a", content: "9" }, { role: "assistant", content: "Answer: \\boxed{9}" }], label: "9" },
    { messages: [{ role: "user", content: "Square 4." }, { role: "assistant", content: "", tool_calls: [call("b", '{"code": "print(4**2)"}')] }, { role: "assistant", content: "Answer: \\boxed{16}" }], label: "16" },
    { messages: [{ role: "user", content: "Square 5." }, { role: "assistant", content: "I cannot tell.\n\nAnswer: \\boxed{}" }], label: "25" },
  ];
  fs.writeFileSync(path.join(dataRoot, dir, "sft.jsonl"), toJsonl(sft));
  fs.writeFileSync(path.join(dataRoot, dir, "rollout-300.jsonl"), toJsonl(Array.from({ length: 300 }, (_, i) => slimeSample(i, { perGroup: 8, fillerChars: 2000 }))));
});
test.afterAll(() => fs.rmSync(path.join(dataRoot, dir), { recursive: true, force: true }));

test("the PROMPT column and the group header show the user's question; the full prompt is a click away", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(`${dir}/retool/rollout_data/0.pt`)}&sample=1`);
  await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
  for (const i of [0, 1, 2]) {
    await expect(inspect.row(i)).toContainText(`Question ${i}: what is ${i} + ${i}?`);
    await expect(inspect.row(i)).not.toContainText("im_start");
  }
  await expect(page.getByTestId("detail-prompt")).toHaveText("Question 1: what is 1 + 1?");
  await page.getByRole("button", { name: "show full prompt" }).click();
  await expect(page.getByTestId("detail-full-prompt")).toContainText("You are a helpful assistant that can use Python tools");
  await page.getByTestId("open-group").click();
  await expect(page.getByTestId("group-prompt")).toHaveText("Question 0: what is 0 + 0?");
});

test("a train dump says it is one and which rollout dump it was joined with", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(`${dir}/dumps/train_data/0.pt`)}`);
  await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("dataset-kind")).toContainText("slime train dump");
  await expect(page.getByTestId("dataset-kind")).toContainText("joined from ../rollout_data/0.pt");
});

test("SFT tool calls: broken arguments and a call with no tool reply are problems; an empty \\boxed{} is said so", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(`${dir}/sft.jsonl`)}&sample=0`);
  await expect(page.getByTestId("indexed")).toBeVisible();
  await expect(page.getByTestId("show-problems")).toHaveText("Problems (2)");
  await expect(page.getByTestId("detail-problems")).toContainText("arguments are not valid JSON");
  await inspect.row(1).click();
  await inspect.expectSample(1);
  await expect(page.getByTestId("detail-problems")).toContainText("tool call code_interpreter (b) has no tool reply");
  await inspect.row(2).click();
  await inspect.expectSample(2);
  await expect(page.getByTestId("answer-empty")).toContainText("\\boxed{}");
  // What slime's ReTool reward does with it (math_dapo strict box: pred "" vs the label).
  await expect(page.getByTestId("answer-empty-slime")).toContainText('reads it as the answer "" (not as no answer)');
  await expect(page.getByTestId("answer-empty-slime")).toContainText("−1, then min(−0.6, −1 + (tool calls − 2)/2 · 0.1)");
});

test("favicon.ico is served (it was a 404 on every page)", async ({ page }) => {
  const res = await page.request.get("/favicon.ico");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toMatch(/image/);
});

test("j pressed 20 times at a typing pace moves 20 rows; g opens and closes the group view (issue 20.9)", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(`${dir}/rollout-300.jsonl`)}&sample=0`);
  await expect(page.getByTestId("indexed")).toBeVisible();
  await inspect.expectSample(0);
  await page.keyboard.type("j".repeat(20), { delay: 120 });
  await inspect.expectSample(20);
  await page.keyboard.type("kkk", { delay: 60 });
  await inspect.expectSample(17);
  await page.keyboard.press("g");
  await expect(page.getByTestId("group-view")).toBeVisible();
  await expect(page.getByTestId("group-size")).toHaveText("8 samples");
  await page.keyboard.press("g");
  await expect(page.getByTestId("group-view")).toHaveCount(0);
  await inspect.expectSample(17);
});
