import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { toJsonl } from "../lib/data/testing/fixtures";
import { dataRoot } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 10 "views no viewer has": a folder of verl {step}.jsonl files opens as one dataset; one
// prompt is followed across the steps (answers side by side, mean score by step); the group view
// shows GRPO advantages and flags a group whose rewards are all the same.
const dir = path.join(dataRoot, "e2e-inspect-views", "verl-steps");
const folder = "e2e-inspect-views/verl-steps";

test.beforeAll(() => {
  fs.mkdirSync(dir, { recursive: true });
  for (const step of [10, 20, 30]) {
    const rows = [];
    // Prompt A gets 1, 2 then 4 answers of 4 right; prompt B never gets one right (all same reward).
    for (const p of ["A: What is 2+2?", "B: Prove the Riemann hypothesis."])
      for (let k = 0; k < 4; k++) {
        const right = p.startsWith("A") && k < (step === 30 ? 4 : step / 10);
        const output = `step ${step}, answer ${k}: ${right ? "2 + 2 = 4, so \\boxed{4}" : "I think \\boxed{5}"}${k === 3 ? ` ${"long".repeat(3000)}` : ""}`;
        rows.push({ input: `user: ${p}\nassistant:`, output, gts: "4", score: right ? 1 : 0, step });
      }
    fs.writeFileSync(path.join(dir, `${step}.jsonl`), toJsonl(rows));
  }
});
const turnsFile = "e2e-inspect-views/turn-tags.jsonl";
test.beforeAll(() => {
  const searchR1 =
    "<think>I need the capital first.</think>\n<search> capital of France </search>\n\n<information>Doc 1(Title: Paris) Paris is the capital of France.</information>\n\n" +
    "<think>Now its population.</think>\n<search>population of Paris</search>\n\n<information>Doc 1(Title: Paris) 2.1 million</information>\n\n<think>Done.</think>\n<answer>2.1 million</answer>";
  const custom = "plan: list the root\n<tool>ls /</tool>\n<result>bin etc</result>\nthen answer\n<final>bin</final>";
  const rows = [searchR1, custom].map((response, i) => ({ prompt: `question ${i}`, response, label: "x", reward: 0, index: i, group_index: i }));
  fs.writeFileSync(path.join(dataRoot, turnsFile), toJsonl(rows));
});
test.afterAll(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

for (const viewport of [{ width: 1440, height: 900 }, { width: 1024, height: 700 }]) {
  test.describe(`${viewport.width}x${viewport.height}`, () => {
    test.use({ viewport });

    test("a verl step folder: follow one prompt across steps", async ({ page }) => {
      const inspect = new InspectPage(page);
      await inspect.goto(`file=${encodeURIComponent(folder)}&sample=17`);
      await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
      await inspect.expectSample(17);
      await page.getByTestId("open-steps").click();
      await inspect.expectParam("view", "steps");
      await expect(page.getByTestId("steps-count")).toHaveText("3 steps with this prompt");
      await expect(page.getByTestId("steps-prompt")).toContainText("What is 2+2?");
      const means = page.getByTestId("steps-chart-point");
      await expect(means).toHaveCount(3);
      expect(await means.evaluateAll((els) => els.map((e) => [e.getAttribute("data-step"), e.getAttribute("data-mean")]))).toEqual([["10", "0.25"], ["20", "0.5"], ["30", "1"]]);
      await expect(page.getByTestId("step-column-10").getByTestId("step-mean")).toHaveText("mean 0.250 · 4 of 4 scored");
      await expect(page.getByTestId("step-column-30").getByTestId("step-mean")).toHaveText("mean 1.000 · 4 of 4 scored");
      // The row it was opened from leads its step; answers of the other steps sit beside it.
      await expect(page.getByTestId("step-column-30").getByTestId("step-sample-17")).toContainText("step 30, answer 1");
      await expect(page.getByTestId("step-column-10").getByTestId("step-sample-0").getByTestId("step-score")).toHaveText("1");
      await expect(page.getByTestId("step-column-10").getByTestId("step-sample-1").getByTestId("step-score")).toHaveText("0");
      await expect(page.getByTestId("close-steps")).toBeInViewport({ ratio: 1 });
      await inspect.expectNoHorizontalOverflow();
      await page.screenshot({ path: test.info().outputPath("steps.png") });
      // Opening an answer from another step goes to that sample; Escape from the view goes back.
      await page.getByTestId("step-column-10").getByTestId("step-sample-1").getByRole("button").click();
      await inspect.expectSample(1);
      await inspect.expectParam("view", null);
      await page.getByTestId("open-steps").click();
      await expect(page.getByTestId("steps-count")).toHaveText("3 steps with this prompt");
      await page.keyboard.press("Escape");
      await inspect.expectParam("view", null);
    });

    test("the group view shows GRPO advantages and flags an all-same-reward group", async ({ page }) => {
      const inspect = new InspectPage(page);
      await inspect.goto(`file=${encodeURIComponent(folder)}&sample=8`);
      await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
      await page.getByTestId("open-group").click();
      await expect(page.getByTestId("group-size")).toHaveText("4 samples");
      // Step 20, prompt A: rewards 1 1 0 0 → verl: (r − 0.5) / (std 0.577 + 1e-6) = ±0.866.
      await expect(page.getByTestId("group-std")).toHaveText("std 0.577");
      await expect(page.getByTestId("group-all-same")).toHaveCount(0);
      await expect(page.getByTestId("group-sample-8").getByTestId("group-advantage")).toHaveText("A +0.866");
      await expect(page.getByTestId("group-sample-10").getByTestId("group-advantage")).toHaveText("A -0.866");
      await page.screenshot({ path: test.info().outputPath("group-advantages.png") });
      await page.keyboard.press("Escape");

      await inspect.goto(`file=${encodeURIComponent(folder)}&sample=12&view=group`);
      await expect(page.getByTestId("group-size")).toHaveText("4 samples");
      await expect(page.getByTestId("group-all-same")).toBeVisible();
      await expect(page.getByTestId("group-std")).toHaveText("std 0.000");
      await expect(page.getByTestId("group-adv-note")).toContainText("all rewards equal");
      await expect(page.getByTestId("group-sample-12").getByTestId("group-advantage")).toHaveText("A 0.000");
      await expect(page.getByTestId("close-group")).toBeInViewport({ ratio: 1 });
      await page.screenshot({ path: test.info().outputPath("group-all-same.png") });

      // The list filter finds every all-same group: prompt B at each step and prompt A at step 30.
      await page.keyboard.press("Escape");
      await page.getByTestId("filter-same").click();
      await inspect.expectParam("same", "1");
      await expect(page.getByTestId("sample-row-4")).toBeVisible();
      await expect(page.getByTestId("sample-row-16")).toBeVisible();
      await expect(page.getByTestId("sample-row-0")).toHaveCount(0);
      await expect(page.getByTestId("sample-row-8")).toHaveCount(0);
    });
  });
}

test.describe("other multi-turn formats", () => {
  test.use({ viewport: { width: 1024, height: 700 } });
  test("search-r1 tags split into turns without settings; any tag pair from the turn tags field", async ({ page }) => {
    const inspect = new InspectPage(page);
    await inspect.goto(`file=${encodeURIComponent(turnsFile)}&sample=0`);
    await inspect.expectSample(0);
    await expect(page.getByTestId("turn-0")).toContainText("capital of France");
    await expect(page.getByTestId("turn-0")).toContainText("Paris is the capital of France.");
    await expect(page.getByTestId("turn-0")).toContainText("information (recorded)");
    await expect(page.getByTestId("turn-1")).toContainText("population of Paris");
    await expect(page.getByTestId("turn-2").getByTestId("segment-answer")).toBeVisible();
    await expect(page.getByTestId("turn-3")).toHaveCount(0);
    await page.screenshot({ path: test.info().outputPath("search-r1.png") });

    await inspect.goto(`file=${encodeURIComponent(turnsFile)}&sample=1`);
    await inspect.expectSample(1);
    await expect(page.getByTestId("turn-1")).toHaveCount(0);
    await page.getByTestId("turn-tags").fill("tool result");
    await expect(page.getByTestId("turn-tags-error")).toBeVisible();
    await page.getByTestId("turn-tags").fill("tool/result/final");
    await page.getByTestId("turn-tags").press("Enter");
    await inspect.expectParam("tags", "tool/result/final");
    await expect(page.getByTestId("turn-0")).toContainText("ls /");
    await expect(page.getByTestId("turn-0")).toContainText("bin etc");
    await expect(page.getByTestId("turn-1").getByTestId("segment-answer")).toBeVisible();
    await page.screenshot({ path: test.info().outputPath("custom-tags.png") });
  });
});
