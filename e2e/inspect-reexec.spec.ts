import { expect, test } from "@playwright/test";
import { InspectData } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 11 item 3: re-execution compares what the tool printed. A chat SFT row whose tool message
// holds only "16" reproduces against the live "Output:\n16"; both raw texts are shown side by side;
// a sample without code cells is "nothing to run", not "reproduced".
const data = new InspectData("e2e-inspect-reexec");
let file: string;
test.beforeAll(() => {
  file = data.writeSft500();
});
test.afterAll(() => data.removeAll());
test.use({ viewport: { width: 1440, height: 900 } });

test("plain SFT tool messages reproduce; raw texts side by side; no code cells is nothing to run", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(file)}&sample=2`);
  await expect(page.getByTestId("format-select")).toContainText("chat messages");
  await inspect.expectSample(2);
  // Row 2 computes 4**2: the file recorded "16", the sandbox prints "Output:\n16".
  await expect(inspect.detail().getByTestId("segment-interpreter")).toContainText("16");
  await page.getByTestId("reexecute-sample").click();
  await expect(inspect.detail().getByTestId("cell-match")).toHaveCount(1);
  await expect(inspect.detail().getByTestId("cell-mismatch")).toHaveCount(0);
  await expect(inspect.detail().getByTestId("reexec-summary")).toContainText("1 reproduced, 0 mismatched");
  // Side by side, raw: the recorded text and the live one with slime's wrapper.
  await expect(inspect.detail().getByTestId("cell-recorded-output")).toContainText("16");
  await expect(inspect.detail().getByTestId("cell-recorded-output")).not.toContainText("Output:");
  await expect(inspect.detail().getByTestId("cell-live-output")).toContainText("Output:");
  const [a, b] = await Promise.all([inspect.detail().getByTestId("cell-recorded-output").boundingBox(), inspect.detail().getByTestId("cell-live-output").boundingBox()]);
  expect(Math.abs(a!.y - b!.y)).toBeLessThan(40); // the same row
  expect(b!.x).toBeGreaterThan(a!.x + a!.width - 2); // live to the right
  await expect(inspect.row(2).getByTestId("reexec-match")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("reexec-side-by-side.png") });

  // Row 5 answers without running code.
  await inspect.row(5).click();
  await inspect.expectSample(5);
  await expect(inspect.detail().getByTestId("segment-code")).toHaveCount(0);
  await page.getByTestId("reexecute-sample").click();
  await expect(inspect.detail().getByTestId("reexec-summary")).toHaveText("Nothing to run: this sample has no code cells.");
  await expect(inspect.row(5).getByTestId("reexec-empty")).toHaveText("nothing to run");
  await expect(inspect.row(5).getByTestId("reexec-match")).toHaveCount(0);

  // A batch over the first 20 rows: nothing is "not reproducible".
  await page.getByTestId("filter-search").fill("Compute 1[0-9] squared");
  await page.getByTestId("filter-regex").click();
  await page.getByTestId("filter-search-go").click();
  await expect(inspect.listCount()).toHaveText("10 samples");
  await page.getByTestId("show-actions").click();
  await page.getByTestId("batch-reexecute").click();
  await expect(page.getByTestId("reexec-summary-done")).toHaveText("10 / 10");
  await expect(page.getByTestId("reexec-summary-mismatches")).toHaveText("0");
  await expect(page.getByTestId("batch-reexecute-progress-text")).toContainText("10 / 10 · done");
});
