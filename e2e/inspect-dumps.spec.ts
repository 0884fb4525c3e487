import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { makeDumpsScript, torchPython } from "../lib/data/readers/testing/torch-python";
import { dataRoot } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 10: slime's .pt dumps open natively. PyTorch writes real dumps into the data dir; the page
// opens a train dump, sorts by the trainer-vs-rollout logprob gap and reads the heatmap, then
// opens a folder of verl step files as one dataset.
const dir = "e2e-inspect-dumps";
test.beforeAll(() => {
  const python = torchPython();
  if (!python) throw new Error("this spec needs PyTorch: apt-get install python3-torch");
  const r = spawnSync(python, [makeDumpsScript, path.join(dataRoot, dir), "rollout", "train", "verl"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
});
test.afterAll(() => fs.rmSync(path.join(dataRoot, dir), { recursive: true, force: true }));

for (const viewport of [{ width: 1440, height: 900 }, { width: 1024, height: 700 }]) {
  test(`train dump: sort by |Δlogp|, filter 'mismatch above X', read the heatmap (${viewport.width}x${viewport.height})`, async ({ page }) => {
    await page.setViewportSize(viewport);
    const inspect = new InspectPage(page);
    await inspect.goto(`file=${encodeURIComponent(`${dir}/train_data/0.pt`)}`);
    await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
    await expect(inspect.listCount()).toHaveText("8 samples");

    // Sort by the gap, largest first: make_dumps.py moves one token of sample i by 0.05 * (i + 1).
    await page.getByTestId("sort-lp_max").click();
    await inspect.expectParam("sort", "lp_max");
    await page.getByTestId("sort-lp_max").click();
    await inspect.expectParam("desc", "1");
    await expect(page.getByTestId("row-lp-max").first()).toHaveText("0.400");
    await page.getByTestId("row-lp-max").first().click();
    await inspect.expectSample(7);

    const heat = page.getByTestId("logprob-heatmap");
    await expect(heat).toBeVisible();
    await expect(page.getByTestId("heatmap-summary")).toContainText("max |Δ| 0.4000");
    const tokens = page.getByTestId("heatmap-token");
    await expect(tokens).toHaveCount(6); // sample 7: 6 response tokens
    // The disagreeing token (index 1) carries the gap; its tooltip lists every per-token value.
    await expect(tokens.nth(1)).toHaveAttribute("data-value", /^0\.4/);
    const title = (await tokens.nth(1).getAttribute("title"))!;
    for (const k of ["log_probs − rollout_log_probs: 0.4", "entropy:", "advantages: -0.5", "kl:", "ref_log_probs:"]) expect(title).toContain(k);
    await expect(tokens.nth(2)).toHaveAttribute("title", /masked/);
    await page.getByTestId("heatmap-metric-entropy").click();
    await expect(tokens.nth(5)).toHaveAttribute("data-value", "1");
    await page.screenshot({ path: test.info().outputPath("train-heatmap.png") });

    // "Mismatch above X": only samples 5, 6, 7 move a token by at least 0.28.
    await inspect.goto(`file=${encodeURIComponent(`${dir}/train_data/0.pt`)}&lpmin=0.28`);
    await expect(inspect.listCount()).toHaveText("3 samples");
  });
}

test("a folder of verl step files opens as one dataset; a folder of slime dumps too", async ({ page }) => {
  const inspect = new InspectPage(page);
  // From the data directory listing: into the folder, then "open this folder".
  await inspect.goto();
  await page.getByTestId(`data-file-${dir}`).click();
  await page.getByTestId("data-file-verl_rollouts").click();
  await page.getByTestId("open-folder").click();
  await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
  await expect(inspect.listCount()).toHaveText("12 samples");
  await inspect.goto(`file=${encodeURIComponent(`${dir}/rollout_data`)}`);
  await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
  await expect(inspect.listCount()).toHaveText("16 samples");
});
