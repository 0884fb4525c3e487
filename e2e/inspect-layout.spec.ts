import { expect, test } from "@playwright/test";
import { InspectData } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 11 item 6 (layout): at 1024x700 the header and the filters leave the list and the sample
// most of the screen, and every control stays on screen.
const data = new InspectData("e2e-inspect-layout");
let rollout: string;
test.beforeAll(async () => {
  rollout = await data.writeRollout3000();
});
test.afterAll(() => data.removeAll());
test.use({ viewport: { width: 1024, height: 700 } });

test("at 1024x700 the header and filters take well under a third of the screen", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(rollout)}&sample=17`);
  await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
  await inspect.expectSample(17);
  const app = (await page.getByTestId("inspect-app").boundingBox())!;
  const filters = (await page.getByTestId("filter-bar").boundingBox())!;
  // The Inspect header + filter bar together.
  const chrome = filters.y + filters.height - app.y;
  expect(chrome).toBeLessThan(700 / 6);
  await page.screenshot({ path: test.info().outputPath("layout-1024.png") });
  await inspect.expectControlsOnScreen();
  await inspect.expectNoHorizontalOverflow();
  for (const id of ["show-problems", "show-actions", "close-file", "filter-search-go"]) await expect(page.getByTestId(id)).toBeInViewport({ ratio: 1 });
  // The list shows a useful number of rows.
  const list = (await page.getByTestId("sample-list-scroll").boundingBox())!;
  expect(list.height).toBeGreaterThan(700 / 2);

  // The group view at this size keeps its buttons and reaches its last card, even when the key
  // comes before the group's samples (held back here, as a loaded machine delays them; the header
  // and its buttons are on screen before they arrive).
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route(/\/api\/datasets\/[^/]+\/groups\/\d+/, async (route) => {
    await held;
    await route.continue();
  });
  await page.getByTestId("open-group").click();
  await expect(page.getByTestId("close-group")).toBeInViewport({ ratio: 1 });
  await expect(page.getByTestId("group-filter")).toBeInViewport({ ratio: 1 });
  await page.keyboard.press("End");
  release();
  await expect(page.getByTestId("group-sample-23")).toBeInViewport({ ratio: 0.9 });
  await page.screenshot({ path: test.info().outputPath("layout-1024-group.png") });
});
