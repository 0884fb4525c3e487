import path from "node:path";
import { expect, test } from "@playwright/test";
import { InspectData } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 11 item 6: progress bars end at the end; a token tab chosen on one file does not stick on a
// file without tokens, and says why; one "Invalid regular expression"; uploads listed after Close
// and a path field; browser Back undoes the last view change.
const data = new InspectData("e2e-inspect-polish");
let rollout: string;
let sft: string;
let malformed: string;
test.beforeAll(async () => {
  rollout = await data.writeRollout3000();
  sft = data.writeSft500();
  malformed = data.writeMalformed();
});
test.afterAll(() => data.removeAll());
test.use({ viewport: { width: 1440, height: 900 } });

test("progress bars reach 3,000 / 3,000 when the job is done", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(rollout)}&panel=actions`);
  await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
  await page.getByTestId("actions-scope").selectOption("all");
  await page.getByTestId("rescore-type").selectOption("retool");
  await page.getByTestId("rescore-run").click();
  await expect(page.getByTestId("rescore-summary")).toContainText("3,000 rescored");
  await expect(page.getByTestId("rescore-progress-text")).toHaveText("3,000 / 3,000 · done");
  await expect(page.getByTestId("rescore-progress")).toHaveAttribute("data-finished", "true");
});

test("the token tab falls back on a file without tokens, says why, and offers to compute them", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(rollout)}&sample=3&tab=tokens`);
  await expect(page.getByTestId("tab-tokens")).toHaveAttribute("data-selected", "true");
  await expect(page.getByTestId("token-view")).toBeVisible();
  // Same tab in the URL, another file: the trajectory shows, with the reason the tab is off.
  await inspect.goto(`file=${encodeURIComponent(sft)}&sample=3&tab=tokens`);
  await inspect.expectSample(3);
  await expect(page.getByTestId("tab-tokens")).toBeDisabled();
  await expect(page.getByTestId("tab-trajectory")).toHaveAttribute("data-selected", "true");
  await expect(inspect.detail().getByTestId("segment-code")).toBeVisible();
  await expect(page.getByTestId("tokens-disabled-reason")).toHaveText("tokens: no token ids in this file; a tokenizer can compute them");
  await expect(page.getByTestId("tab-tokens")).toHaveAttribute("title", "no token ids in this file; a tokenizer can compute them");
  await page.getByTestId("compute-tokens").click();
  // Qwen3's tokenizer ships with the app (the embedded default): the tokens open.
  await expect(page.getByTestId("token-view")).toBeVisible();
  await expect(page.getByTestId("tab-tokens")).toHaveAttribute("data-selected", "true");
  await expect(page.getByTestId("compute-tokens-error")).toHaveCount(0);
});

test("a bad regex says 'Invalid regular expression' once", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(sft)}`);
  await expect(page.getByTestId("indexed")).toBeVisible();
  await page.getByTestId("filter-regex").click();
  await page.getByTestId("filter-search").fill("(unclosed");
  await page.getByTestId("filter-search-go").click();
  await expect(page.getByTestId("search-error")).toBeVisible();
  const text = await page.getByTestId("inspect-app").innerText();
  expect(text.match(/Invalid regular expression/g)).toHaveLength(1);
  await expect(page.getByTestId("search-error")).toContainText("Unterminated group");
});

test("uploads are listed after Close; a typed path opens a file", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto();
  await page.getByTestId("upload-input").setInputFiles(malformed);
  await expect(page.getByTestId("indexed")).toBeVisible();
  await expect(page.getByTestId("dataset-name")).toHaveText(path.basename(malformed));
  await page.getByTestId("close-file").click();
  await expect(page.getByTestId("recent-uploads")).toBeVisible();
  await page.getByTestId(`upload-entry-${path.basename(malformed)}`).first().click();
  await expect(page.getByTestId("indexed")).toBeVisible();
  await expect(page.getByTestId("show-problems")).toHaveText("Problems (7)");
  await page.getByTestId("close-file").click();
  await page.getByTestId("open-path").fill(sft);
  await page.getByTestId("open-path-go").click();
  await expect(page.getByTestId("indexed")).toBeVisible();
  await expect(inspect.listCount()).toHaveText("500 samples");
  await inspect.expectParam("file", sft);
});

test("browser Back undoes the last view change instead of leaving Inspect", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto();
  await page.getByTestId("open-path").fill(rollout);
  await page.getByTestId("open-path-go").click();
  await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
  await inspect.row(17).click();
  await inspect.expectSample(17);
  await page.keyboard.press("ArrowRight"); // a turn step replaces, it is not a history entry
  await inspect.expectParam("turn", "1");
  await page.getByTestId("open-group").click();
  await inspect.expectParam("view", "group");
  await page.getByTestId("filter-status-truncated").click();
  await inspect.expectParam("status", "truncated");

  await page.goBack();
  await inspect.expectParam("status", null);
  await expect(page.getByTestId("group-view")).toBeVisible();
  await page.goBack();
  await inspect.expectParam("view", null);
  await inspect.expectSample(17);
  await page.goBack();
  await inspect.expectParam("sample", null);
  await expect(page).toHaveURL(/\/inspect\?file=/);
  await page.goBack();
  await expect(page.getByTestId("file-picker")).toBeVisible();
  await expect(page).toHaveURL(/\/inspect/);
});
