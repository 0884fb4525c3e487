import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { makeDumpsScript, torchPython } from "../lib/data/readers/testing/torch-python";
import { dataRoot } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 20, "hand it to a teammate": one sample as one self-contained HTML file. Downloaded from a
// real train dump (joined with its rollout dump), opened from disk in a fresh browser context with
// the network off: transcript, reward, token mask and logprobs, and the heatmap are all there.
// One folder per worker: another worker's afterAll must not remove files this one reads.
const dir = `e2e-export-html-${process.env.TEST_WORKER_INDEX ?? "0"}`;
test.beforeAll(() => {
  const python = torchPython();
  if (!python) throw new Error("this spec needs PyTorch: apt-get install python3-torch");
  const r = spawnSync(python, [makeDumpsScript, path.join(dataRoot, dir), "rollout", "train"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
});
test.afterAll(() => fs.rmSync(path.join(dataRoot, dir), { recursive: true, force: true }));

for (const viewport of [{ width: 1440, height: 900 }, { width: 1024, height: 700 }]) {
  test(`a train dump sample exports as one HTML file that opens offline (${viewport.width}x${viewport.height})`, async ({ page, browser }) => {
    await page.setViewportSize(viewport);
    const inspect = new InspectPage(page);
    await inspect.goto(`file=${encodeURIComponent(`${dir}/train_data/0.pt`)}&sample=6`);
    await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
    await inspect.expectSample(6);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-html").click()]);
    expect(download.suggestedFilename()).toBe("0.row6.html");
    const file = test.info().outputPath("0.row6.html");
    await download.saveAs(file);

    // A fresh context, network off, every request refused: the file must need none.
    const ctx = await browser.newContext({ viewport, offline: true });
    const requests: string[] = [];
    await ctx.route("**/*", (route) => {
      if (route.request().url().startsWith("file://")) return route.continue();
      requests.push(route.request().url());
      return route.abort();
    });
    const offline = await ctx.newPage();
    await offline.goto(`file://${file}`);
    await expect(offline.getByTestId("export-title")).toContainText("train_data/0.pt · row 6");
    await expect(offline.getByTestId("export-problem")).toContainText("What is 2+2? (sample 6)");
    await expect(offline.getByTestId("export-turn")).toHaveCount(2);
    await expect(offline.getByTestId("export-turn").first()).toContainText("print(2+2)");
    await expect(offline.getByTestId("export-meta")).toContainText("reward");
    const masked = offline.getByTestId("export-tokens").locator("span.m0");
    await expect(masked.first()).toHaveAttribute("title", /loss mask 0/);
    await expect(offline.getByTestId("export-tokens").locator("span.m1").first()).toHaveAttribute("title", /rollout logprob -0\.5/);
    await expect(offline.getByTestId("export-heatmap").locator("span")).toHaveCount(5);
    await offline.screenshot({ path: test.info().outputPath(`export-html-offline-${viewport.width}x${viewport.height}.png`), fullPage: true });
    expect(requests).toEqual([]);
    await ctx.close();
  });
}
