import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { makeDumpsScript, torchPython } from "../lib/data/readers/testing/torch-python";
import { toJsonl } from "../lib/data/testing/fixtures";
import { dataRoot } from "./support/inspect-data";
import { shot, viewports } from "./support/shots";
import { InspectPage } from "./pages/inspect-page";

// Issue 20 item 8: step folders. A verl folder of {step}.jsonl files shows a step column, and its
// over-steps view says how many answers were scored instead of averaging null scores away. A
// slime --dump-details folder (train_data/ joined with rollout_data/, written by torch) gets the
// same view with per-step trends: reward, response length, entropy, |Δlogp| and pass rate.
const dir = `e2e-inspect-steps-${process.env.TEST_WORKER_INDEX ?? "0"}`;

test.beforeAll(() => {
  // verl: steps 1, 2, 3; two prompts of 8 answers each per step. Prompt 0 has 2 of 8 right at step 1,
  // 4 right, 1 wrong and 3 unscored (null) at step 2, and no score at all at step 3. One step-1
  // answer is 2 MB with no spaces.
  const verl = path.join(dataRoot, dir, "verl");
  fs.mkdirSync(verl, { recursive: true });
  for (const step of [1, 2, 3]) {
    const rows = [];
    for (const p of [0, 1]) {
      for (let k = 0; k < 8; k++) {
        let score: number | null = p === 1 ? Number(k < 4) : step === 1 ? Number(k < 2) : step === 2 ? (k < 4 ? 1 : k === 4 ? 0 : null) : null;
        if (p === 1 && step === 3) score = Number(k < 6);
        const output = step === 1 && p === 0 && k === 7 ? "y".repeat(2_000_000) : `step ${step} answer ${k}: ${score === 1 ? "\\boxed{2}" : "\\boxed{3}"}`;
        rows.push({ input: `user\nQuestion ${p}: what is 1+1?\nassistant\n`, output, gts: "2", score, step });
      }
    }
    fs.writeFileSync(path.join(verl, `${step}.jsonl`), toJsonl(rows));
  }
  const python = torchPython();
  if (!python) throw new Error("this spec needs PyTorch: apt-get install python3-torch");
  const r = spawnSync(python, [makeDumpsScript, path.join(dataRoot, dir), "steps"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
});
test.afterAll(() => fs.rmSync(path.join(dataRoot, dir), { recursive: true, force: true }));

async function openSteps(page: Page, file: string, row: number): Promise<InspectPage> {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(file)}&sample=${row}`);
  await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
  await inspect.expectSample(row);
  await page.getByTestId("open-steps").click();
  await expect(page.getByTestId("steps-view")).toBeVisible();
  return inspect;
}

test("verl step folder: a step column, and over steps counts null scores instead of averaging them away", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(`${dir}/verl`)}`);
  await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
  await expect(inspect.listCount()).toHaveText("48 samples");
  await expect(inspect.row(0).getByTestId("row-field-step")).toHaveText("1");
  await expect(inspect.row(16).getByTestId("row-field-step")).toHaveText("2");
  // Sorted by step, latest first.
  await page.getByTestId("sort-step").click();
  await inspect.expectParam("sort", "step");
  await page.getByTestId("sort-step").click();
  await inspect.expectParam("desc", "1");
  await expect(page.getByTestId("sample-list-scroll").locator("[data-testid^=sample-row-]").first().getByTestId("row-field-step")).toHaveText("3");

  // Row 16: prompt 0 at step 2.
  await openSteps(page, `${dir}/verl`, 16);
  await expect(page.getByTestId("steps-count")).toHaveText("3 steps with this prompt");
  const col = (step: number) => page.getByTestId(`step-column-${step}`).getByTestId("step-mean");
  await expect(col(1)).toHaveText("mean 0.250 · 8 of 8 scored");
  await expect(col(2)).toHaveText("mean 0.800 · 5 of 8 scored · 3 null");
  await expect(col(3)).toHaveText("no score · 0 of 8 scored · 8 null");
  // Trends: this prompt's reward and pass rate per step, unscored steps left blank and said so.
  const cell = (metric: string, step: number) => page.getByTestId(`trend-${metric}-${step}`);
  await expect(cell("reward", 1)).toHaveText("0.250");
  await expect(cell("reward", 2)).toHaveText("0.800");
  await expect(cell("reward", 3)).toHaveText("—");
  await expect(cell("scored", 2)).toHaveText("5 of 8 · 3 null");
  await expect(cell("scored", 3)).toHaveText("0 of 8 · 8 null");
  await expect(cell("pass", 1)).toHaveText("2 / 8");
  await expect(cell("pass", 2)).toHaveText("4 / 5");
  await expect(cell("pass", 3)).toHaveText("—");
  // The whole step (both prompts): at step 3 only prompt 1 is scored.
  await expect(cell("step-reward", 3)).toHaveText("0.750");
  await expect(cell("step-scored", 3)).toHaveText("8 of 16 · 8 null");
  await expect(cell("step-prompts", 1)).toHaveText("2 of 2");
  // The chart leaves the unscored step out, and says so.
  await expect(page.getByTestId("steps-chart-point")).toHaveCount(2);
  await expect(page.getByTestId("steps-chart-missing")).toHaveText("no score at step 3");
});

test("slime dump folder (train joined with rollout): over steps with per-step reward, length, entropy, |Δlogp| and pass rate", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(`${dir}/steps`)}`);
  await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
  await expect(inspect.listCount()).toHaveText("48 samples");
  await expect(inspect.row(0).getByTestId("row-field-step")).toHaveText("0");
  await expect(inspect.row(16).getByTestId("row-field-step")).toHaveText("1");

  // Row 17: prompt 0 at rollout 1.
  await openSteps(page, `${dir}/steps`, 17);
  await expect(page.getByTestId("steps-count")).toHaveText("3 steps with this prompt");
  const cell = (metric: string, step: number) => page.getByTestId(`trend-${metric}-${step}`);
  for (const [step, reward, pass, len, entropy, lp] of [
    [0, "0.250", "2 / 8", "4", "1.000", "0.100"],
    [1, "0.500", "4 / 8", "6", "0.750", "0.200"],
    [2, "0.750", "6 / 8", "8", "0.500", "0.300"],
  ] as const) {
    await expect(cell("reward", step)).toHaveText(reward);
    await expect(cell("pass", step)).toHaveText(pass);
    await expect(cell("length", step)).toHaveText(len);
    await expect(cell("entropy", step)).toHaveText(entropy);
    await expect(cell("lp", step)).toHaveText(lp);
  }
  // The whole rollout: prompt 1 stays at 4 of 8.
  await expect(cell("step-reward", 0)).toHaveText("0.375");
  await expect(cell("step-reward", 2)).toHaveText("0.625");
  for (const m of ["reward", "pass", "length", "entropy", "lp"]) await expect(page.getByTestId(`trend-spark-${m}`)).toBeVisible();
});

for (const viewport of viewports) {
  test(`screenshots: over steps with unscored steps, 8 answers a step and a 2 MB answer (${viewport.width}x${viewport.height})`, async ({ page }, info) => {
    await page.setViewportSize(viewport);
    const inspect = await openSteps(page, `${dir}/verl`, 7); // the 2 MB answer, at step 1
    await expect(page.getByTestId("step-column-1").getByTestId("step-sample-7")).toContainText("cut; open the sample");
    await expect(page.getByTestId("close-steps")).toBeInViewport({ ratio: 1 });
    await inspect.expectNoHorizontalOverflow();
    await shot(page, info, "inspect20-steps-verl");
    await page.getByTestId("close-steps").click();
    await expect(inspect.detail()).toBeVisible();
    await inspect.expectControlsOnScreen();
    await shot(page, info, "inspect20-verl-list");
    await openSteps(page, `${dir}/steps`, 17);
    await expect(page.getByTestId("trend-entropy-2")).toBeVisible();
    await inspect.expectNoHorizontalOverflow();
    await shot(page, info, "inspect20-steps-slime");
  });
}
