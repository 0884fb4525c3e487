import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { slimePrompt, toJsonl } from "../lib/data/testing/fixtures";
import { dataRoot } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 20 item 15: the list row and the sample's header showed different values for the same
// field (acc ✗ in the list, "—" in the detail; group 1 vs "—"; a length in characters vs "—") on
// rows without acc, group_index or response_length. Both now render the row's one summary.
const dir = `e2e-inspect-list-detail-${process.env.TEST_WORKER_INDEX ?? "0"}`;
const file = `${dir}/no-group-index.jsonl`;

test.beforeAll(() => {
  // slime rows with neither group_index, acc nor response_length: grouped by prompt, judged by the reward's sign.
  const rows = Array.from({ length: 6 }, (_, i) => ({
    prompt: slimePrompt(`Problem ${i % 2}: what is ${i % 2} + 5?`),
    response: i % 3 === 0 ? "I think it is 4.\n\nAnswer: \\boxed{4}" : `Answer: \\boxed{${(i % 2) + 5}}`,
    label: String((i % 2) + 5),
    reward: i % 3 === 0 ? -1 : 1,
    status: "completed",
  }));
  fs.mkdirSync(path.join(dataRoot, dir), { recursive: true });
  fs.writeFileSync(path.join(dataRoot, file), toJsonl(rows));
});
test.afterAll(() => fs.rmSync(path.join(dataRoot, dir), { recursive: true, force: true }));

const fields = ["index", "group", "status", "reward", "acc", "tool_calls", "response_length"];

for (const viewport of [{ width: 1440, height: 900 }, { width: 1024, height: 700 }]) {
  test(`list and detail show the same value for every field (${viewport.width}x${viewport.height})`, async ({ page }) => {
    await page.setViewportSize(viewport);
    const inspect = new InspectPage(page);
    await inspect.goto(`file=${encodeURIComponent(file)}`);
    await expect(page.getByTestId("indexed")).toBeVisible();
    await expect(inspect.listCount()).toHaveText("6 samples");
    for (const row of [0, 3, 4]) {
      await inspect.row(row).click();
      await inspect.expectSample(row);
      for (const f of fields) {
        const listed = (await inspect.row(row).getByTestId(`row-field-${f}`).innerText()).trim();
        await expect(inspect.detail().getByTestId(`detail-field-${f}`), `${f} of row ${row}`).toHaveText(listed);
      }
    }
    // Row 3: no acc in the file, reward -1: ✗ in both, and both say it comes from the reward.
    await inspect.row(3).click();
    await inspect.expectSample(3);
    await expect(inspect.row(3).getByTestId("row-field-acc")).toHaveText("✗");
    await expect(inspect.detail().getByTestId("detail-field-acc")).toHaveText("✗");
    await expect(inspect.detail().getByTestId("detail-field-acc").locator("[title]")).toHaveAttribute("title", /reward/);
    // No group_index: the group is the prompt's, the same number in both, and Group opens it.
    await expect(inspect.row(3).getByTestId("row-field-group")).toHaveText("1");
    await expect(inspect.detail().getByTestId("detail-field-group")).toHaveText("1");
    await expect(inspect.detail().getByTestId("detail-field-group")).toHaveAttribute("title", /same prompt/);
    // No response_length: characters, said in both.
    await expect(inspect.detail().getByTestId("detail-field-response_length")).toHaveText(/ ch$/);
    await page.getByTestId("open-group").click();
    await expect(page.getByTestId("group-size")).toHaveText("3 samples");
  });
}
