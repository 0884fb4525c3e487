import { expect, type Locator, type Page } from "@playwright/test";

/** The Inspect page: data-dir picker, list, filters, sample detail and actions. */
export class InspectPage {
  constructor(readonly page: Page) {}

  async goto(query = ""): Promise<void> {
    await this.page.goto(`/inspect${query ? `?${query}` : ""}`);
  }

  async openFromDataDir(dir: string, file: string): Promise<void> {
    await this.page.getByTestId(`data-file-${dir}`).click();
    await this.page.getByTestId(`data-file-${file}`).click();
    await expect(this.page.getByTestId("indexed")).toBeVisible();
  }

  listCount(): Locator {
    return this.page.getByTestId("list-count");
  }

  row(row: number): Locator {
    return this.page.getByTestId(`sample-row-${row}`);
  }

  detail(): Locator {
    return this.page.getByTestId("sample-detail");
  }

  async expectSample(row: number): Promise<void> {
    await expect(this.detail()).toHaveAttribute("data-row", String(row));
    await expect(this.page).toHaveURL(new RegExp(`[?&]sample=${row}(&|$)`));
  }

  async expectParam(name: string, value: string | null): Promise<void> {
    await expect.poll(() => this.param(name)).toBe(value);
  }

  /** The sample's controls are fully inside the window (not pushed off by long content). */
  async expectControlsOnScreen(): Promise<void> {
    for (const id of ["open-group", "open-diff", "reexecute-sample", "open-in-chat"]) {
      await expect(this.page.getByTestId(id)).toBeInViewport({ ratio: 1 });
    }
  }

  /** Nothing makes the page wider than the window. */
  async expectNoHorizontalOverflow(): Promise<void> {
    const { scroll, inner } = await this.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    expect(scroll).toBeLessThanOrEqual(inner);
    const box = await this.page.getByTestId("inspect-app").boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(inner + 1);
  }

  param(name: string): string | null {
    return new URL(this.page.url()).searchParams.get(name);
  }
}
