import { expect, test } from "@playwright/test";
import { EditorPage } from "./pages/editor-page";

// Issue 20, item 15: a home page that says what each area is for with a sample of each; the
// Editor's session controls in notebook mode; a usable Editor at 1024 px; no "error · exit code 0".

const shots = "/work/wt/shots/firsthour";

for (const viewport of [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
]) {
  test.describe(`at ${viewport.width}px`, () => {
    test.use({ viewport });

    test("/ is a home page: five areas, what each is for, a sample of each", async ({ page }) => {
      await page.goto("/");
      await expect(page).toHaveURL(/\/$/);
      for (const area of ["chat", "editor", "inspect", "traffic", "agents"]) {
        const card = page.getByTestId(`home-area-${area}`);
        await expect(card).toBeVisible();
        await expect(card.getByTestId(`home-open-${area}`)).toHaveAttribute("href", `/${area}`);
        const b = await card.boundingBox();
        expect(b && b.x + b.width).toBeLessThanOrEqual(viewport.width);
      }
      // Nothing on the page (the curl sample included) pushes it wider than the window.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await expect(page.getByTestId("home-sample-chat")).toHaveAttribute("href", "/chat?sample=sum-of-squares");
      await page.screenshot({ path: `${shots}/home-${viewport.width}.png`, fullPage: true });

      // Inspect's sample opens a dataset with the shipped problems in it.
      await page.getByTestId("home-sample-inspect").click();
      await expect(page).toHaveURL(/\/inspect\?file=upload%3Asample%2Fproblems\.jsonl/);
      await expect(page.getByTestId("sample-row-0")).toBeVisible();
      await expect(page.getByTestId("sample-row-2")).toBeVisible();
      await page.screenshot({ path: `${shots}/home-inspect-sample-${viewport.width}.png` });
    });

    test("Traffic's sample sends one SandboxFusion call and shows it recorded", async ({ page }) => {
      await page.goto("/");
      await page.getByTestId("home-sample-traffic").click();
      await expect(page).toHaveURL(/\/traffic$/);
      await expect(page.getByTestId("traffic-row").filter({ hasText: "run_code" }).first()).toBeVisible();
    });

    test("the Editor: Sessions and New session in notebook mode; the code editor is wide enough to use", async ({ page }) => {
      await page.goto("/editor?new=1&tool=notebook&backend=local");
      await expect(page.getByTestId("editor-sessions")).toBeVisible();
      await expect(page.getByTestId("editor-new-session")).toBeVisible();
      const editor = new EditorPage(page);
      await editor.goto();
      const box = await editor.editor.boundingBox();
      // Was 360 px at 1024: files, code and result side by side.
      expect(box && box.width).toBeGreaterThanOrEqual(viewport.width >= 1280 ? 450 : 600);
      const result = await page.getByTestId("tool-result").boundingBox();
      expect(result && result.x + result.width).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: `${shots}/editor-width-${viewport.width}.png` });
    });
  });
}
