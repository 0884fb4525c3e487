import { expect, test } from "@playwright/test";
import { InspectData } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 11 item 4: before a re-score, say that the file has no labels (or which rows lack one);
// rows without a recorded reward are not disagreements.
const data = new InspectData("e2e-inspect-rescore");
let noLabels: string;
let sft: string;
test.beforeAll(() => {
  noLabels = data.writeNoLabels();
  sft = data.writeSft500();
});
test.afterAll(() => data.removeAll());
test.use({ viewport: { width: 1440, height: 900 } });

test("a file with no labels says so before running, and nothing 'disagrees' with a reward that was never recorded", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(noLabels)}&panel=actions`);
  await expect(page.getByTestId("indexed")).toBeVisible();
  await expect(inspect.listCount()).toHaveText("500 samples");
  // Said before anyone presses the button.
  await expect(page.getByTestId("rescore-labels")).toContainText("No row in the filtered list has a label");
  await page.getByTestId("actions-scope").selectOption("all");
  await expect(page.getByTestId("rescore-labels")).toContainText("No row in this file has a label");
  await expect(page.getByTestId("rescore-run")).toHaveText("Re-score anyway");
  await page.getByTestId("rescore-type").selectOption("retool");
  await page.getByTestId("rescore-run").click();
  await expect(page.getByTestId("rescore-summary")).toContainText("500 rescored with retool");
  await expect(page.getByTestId("rescore-disagreements")).toHaveText("0 disagree");
  await expect(page.getByTestId("rescore-no-reward")).toContainText("records no reward");
  await expect(page.getByTestId("show-disagreements")).toHaveCount(0);
  await page.getByTestId("filter-disagree").click();
  await expect(inspect.listCount()).toHaveText("0 samples");
});

test("a file where some rows lack a label names them", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(sft)}&panel=actions`);
  await expect(page.getByTestId("indexed")).toBeVisible();
  await page.getByTestId("actions-scope").selectOption("all");
  await expect(page.getByTestId("rescore-labels")).toContainText("10 of 500 rows in this file have no label (rows 0, 50, 100, 150, 200, 250, 300, 350, 400, 450)");
  await expect(page.getByTestId("rescore-run")).toHaveText("Re-score");
});
