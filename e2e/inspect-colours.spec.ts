import { expect, test } from "@playwright/test";
import { InspectData } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 11 item 5: colour by the verdict (correct / incorrect / no answer); a tool error is its own
// badge and does not turn a correct row red.
const data = new InspectData("e2e-inspect-colours");
let file: string;
test.beforeAll(() => {
  file = data.writeVerdicts();
});
test.afterAll(() => data.removeAll());
test.use({ viewport: { width: 1440, height: 900 } });

const green = /rgb\(2[0-9], 1[0-9]{2}, [0-9]{2}\)|oklch\(0\.[0-9]+ 0\.[0-9]+ 1[45][0-9]/;

test("a wrong answer is not green; a right answer after a tool error is not red", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(file)}&sample=0`);
  await inspect.expectSample(0);
  // Row 0 answered 41 for 42.
  const answer = inspect.detail().getByTestId("segment-answer");
  await expect(answer).toHaveAttribute("data-verdict", "incorrect");
  await expect(answer).toContainText("incorrect");
  expect(await answer.evaluate((el) => getComputedStyle(el).backgroundColor)).not.toMatch(green);
  await expect(inspect.detail().getByTestId("detail-verdict")).toHaveAttribute("data-verdict", "incorrect");
  await expect(inspect.row(0).getByTestId("row-verdict")).toHaveAttribute("data-verdict", "incorrect");

  // Row 1: a ZeroDivisionError, then the right answer.
  await expect(inspect.row(1)).not.toHaveAttribute("data-defect", "true");
  await expect(inspect.row(1).getByTestId("badge-tool-error")).toBeVisible();
  await expect(inspect.row(1).getByTestId("row-verdict")).toHaveAttribute("data-verdict", "correct");
  const rowColour = await inspect.row(1).evaluate((el) => getComputedStyle(el).color);
  const plainColour = await inspect.row(2).evaluate((el) => getComputedStyle(el).color);
  expect(rowColour).toBe(plainColour);
  await inspect.row(1).click();
  await inspect.expectSample(1);
  await expect(inspect.detail().getByTestId("segment-answer")).toHaveAttribute("data-verdict", "correct");
  await expect(inspect.detail().getByTestId("detail-verdict")).toHaveAttribute("data-verdict", "correct");
  await expect(inspect.detail().getByTestId("detail-tool-error")).toBeVisible();
  await expect(inspect.detail().getByTestId("detail-problems")).toHaveCount(0);

  // Row 2 never answered.
  await inspect.row(2).click();
  await inspect.expectSample(2);
  await expect(inspect.detail().getByTestId("detail-verdict")).toHaveAttribute("data-verdict", "no_answer");
  await expect(inspect.detail().getByTestId("detail-verdict")).toHaveText("no answer");
  await page.screenshot({ path: test.info().outputPath("verdicts.png") });

  // The group view colours its cards the same way.
  await page.getByTestId("open-group").click();
  await expect(page.getByTestId("group-sample-0")).toHaveAttribute("data-verdict", "incorrect");
  await expect(page.getByTestId("group-sample-1")).toHaveAttribute("data-verdict", "correct");
  await expect(page.getByTestId("group-sample-2")).toHaveAttribute("data-verdict", "no_answer");
});
