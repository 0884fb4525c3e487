import { expect, test } from "@playwright/test";
import { InspectData } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 11 item 2: all 8 cards of a GRPO group are reachable (scrolling strip, keys, Shift+wheel),
// the header buttons stay on screen, Escape leaves the group view.
const data = new InspectData("e2e-inspect-group");
let file: string;
test.beforeAll(async () => {
  file = await data.writeRollout3000();
});
test.afterAll(() => data.removeAll());
test.use({ viewport: { width: 1440, height: 900 } });

test("every card of a group of 8 is reachable; header buttons stay visible; Escape leaves", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(file)}&sample=17`);
  await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
  await inspect.expectSample(17);
  await page.getByTestId("open-group").click();
  await inspect.expectParam("view", "group");
  await expect(page.getByTestId("group-size")).toHaveText("8 samples");
  const rows = [16, 17, 18, 19, 20, 21, 22, 23];
  await expect(page.getByTestId(`group-sample-${rows[7]}`)).not.toBeInViewport({ ratio: 0.9 });

  // Keys: → walks the strip card by card; every card comes fully into view.
  for (let k = 0; k < rows.length; k++) {
    if (k > 0) await page.keyboard.press("ArrowRight");
    await expect(page.getByTestId("group-position")).toHaveText(`card ${k + 1} of 8`);
    await expect(page.getByTestId(`group-sample-${rows[k]}`)).toBeInViewport({ ratio: 0.9 });
    await expect(page.getByTestId("close-group")).toBeInViewport({ ratio: 1 });
    await expect(page.getByTestId("group-filter")).toBeInViewport({ ratio: 1 });
  }
  await page.screenshot({ path: test.info().outputPath("group-end.png") });
  await page.keyboard.press("Home");
  await expect(page.getByTestId(`group-sample-${rows[0]}`)).toBeInViewport({ ratio: 0.9 });

  // Shift+wheel over a card scrolls the strip sideways.
  const strip = page.getByTestId("group-strip");
  const box = (await strip.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.keyboard.down("Shift");
  for (let i = 0; i < 12; i++) await page.mouse.wheel(0, 400);
  await page.keyboard.up("Shift");
  await expect.poll(() => strip.evaluate((el) => el.scrollLeft)).toBeGreaterThan(1000);
  await expect(page.getByTestId(`group-sample-${rows[7]}`)).toBeInViewport({ ratio: 0.9 });

  // The position follows the scroll, and the next/previous buttons work from there.
  await expect(page.getByTestId("group-position")).not.toHaveText("card 1 of 8");
  await page.keyboard.press("Home");
  await expect(page.getByTestId("group-position")).toHaveText("card 1 of 8");
  await expect(page.getByTestId("group-prev")).toBeDisabled();
  await page.getByTestId("group-next").click();
  await expect(page.getByTestId("group-position")).toHaveText("card 2 of 8");
  await page.getByTestId("group-prev").click();
  await expect(page.getByTestId("group-position")).toHaveText("card 1 of 8");

  // Escape leaves the group view; the filter button narrows the list to the group.
  await page.keyboard.press("Escape");
  await inspect.expectParam("view", null);
  await expect(inspect.detail()).toBeVisible();
  await page.getByTestId("open-group").click();
  await page.getByTestId("group-filter").click();
  await inspect.expectParam("group", "2");
  await expect(inspect.listCount()).toHaveText("8 samples");
});
