import { expect, test } from "@playwright/test";
import { InspectData } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 11 item 1: a 2 MB response with no spaces must not widen the page; long text is cut with
// a visible "show more"; Group / Diff / Re-execute stay on screen at any length.
const data = new InspectData("e2e-inspect-degenerate");
let file: string;
test.beforeAll(() => {
  file = data.writeDegenerate();
});
test.afterAll(() => data.removeAll());
test.use({ viewport: { width: 1440, height: 900 } });

test("a 2 MB response without spaces: controls stay on screen, the text is cut with show more", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(file)}&sample=0`);
  await inspect.expectSample(0);
  await inspect.expectControlsOnScreen();
  await inspect.expectNoHorizontalOverflow();
  const cut = inspect.detail().getByTestId("long-text-cut").first();
  await expect(cut).toContainText("showing 20,000 of 2,000,000 characters");
  await inspect.detail().getByTestId("show-more").first().click();
  await expect(cut).toContainText("showing 220,000 of 2,000,000");
  await inspect.expectControlsOnScreen();
  await inspect.expectNoHorizontalOverflow();
  // The 5,000-character label is cut to one line in the header.
  const label = await inspect.detail().getByTestId("detail-label").boundingBox();
  expect(label!.width).toBeLessThan(300);
  // The raw tab too.
  await page.getByTestId("tab-raw").click();
  await expect(page.getByTestId("raw-panel").getByTestId("show-more")).toBeVisible();
  await inspect.expectControlsOnScreen();
  await page.screenshot({ path: test.info().outputPath("degenerate-raw.png") });

  // A 300 kB code cell and its output, and a 50,000-digit answer.
  await page.getByTestId("tab-trajectory").click();
  await page.keyboard.press("j");
  await inspect.expectSample(1);
  await expect(inspect.detail().getByTestId("segment-code").getByTestId("show-more")).toBeVisible();
  await expect(inspect.detail().getByTestId("segment-interpreter").getByTestId("show-more")).toBeVisible();
  await expect(inspect.detail().getByTestId("segment-answer").getByTestId("show-more")).toBeVisible();
  await inspect.expectControlsOnScreen();
  await inspect.expectNoHorizontalOverflow();

  // The group view and the diff hold the same text and keep their buttons too.
  await page.getByTestId("open-group").click();
  await expect(page.getByTestId("group-size")).toHaveText("3 samples");
  await expect(page.getByTestId("close-group")).toBeInViewport({ ratio: 1 });
  await expect(page.getByTestId("group-filter")).toBeInViewport({ ratio: 1 });
  await inspect.expectNoHorizontalOverflow();
  await page.keyboard.press("Escape");
  await page.getByTestId("open-diff").click();
  await expect(page.getByTestId("close-diff")).toBeInViewport({ ratio: 1 });
  await expect(page.getByTestId("diff-view")).toContainText("295,009 more characters)");
  await inspect.expectNoHorizontalOverflow();
  await page.screenshot({ path: test.info().outputPath("degenerate-diff.png") });
});
