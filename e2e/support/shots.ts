import path from "node:path";
import type { Page, TestInfo } from "@playwright/test";

/** A screenshot in the test's output folder, and in $E2E_SHOTS_DIR when set (for a report). */
export async function shot(page: Page, info: TestInfo, name: string): Promise<void> {
  const file = `${name}-${page.viewportSize()?.width}x${page.viewportSize()?.height}.png`;
  await page.screenshot({ path: info.outputPath(file) });
  const dir = process.env.E2E_SHOTS_DIR;
  if (dir) await page.screenshot({ path: path.join(dir, file) });
}

export const viewports = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
] as const;
