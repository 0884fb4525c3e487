import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { slimePrompt } from "../lib/data/testing/fixtures";
import { dataRoot } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 20.4: Python's json.dumps writes NaN and Infinity (allow_nan=True is its default) and Python
// reads them back. Such rows are read, their rewards shown and flagged, and the group does not
// call itself "all same reward": in slime one NaN makes every advantage of the group NaN.
// One folder per worker: another worker's afterAll must not remove files this one reads.
const dir = `e2e-inspect-nan-${process.env.TEST_WORKER_INDEX ?? "0"}`;
const file = `${dir}/nan-rewards.jsonl`;

test.beforeAll(() => {
  const p = slimePrompt("Problem 0: what is 6 * 7?");
  // Written as Python's json.dumps writes them (NaN / Infinity are bare words, not strings).
  const row = (i: number, group: number, reward: string) =>
    `{"prompt": ${JSON.stringify(p)}, "response": "Answer: \\\\boxed{42}", "label": "42", "reward": ${reward}, "status": "completed", "index": ${i}, "group_index": ${group}}`;
  const lines = [
    row(0, 0, "1.0"), row(1, 0, "NaN"), row(2, 0, "1.0"), row(3, 0, "1.0"),
    row(4, 1, "1.0"), row(5, 1, '{"score": Infinity, "acc": true, "pred": "42"}'), row(6, 1, "0.0"), row(7, 1, "1.0"),
    row(8, 2, "1.0"), row(9, 2, "1.0"), row(10, 2, "1.0"), row(11, 2, "1.0"),
  ];
  fs.mkdirSync(path.join(dataRoot, dir), { recursive: true });
  fs.writeFileSync(path.join(dataRoot, file), `${lines.join("\n")}\n`);
});
test.afterAll(() => fs.rmSync(path.join(dataRoot, dir), { recursive: true, force: true }));

test("NaN and Infinity rewards are read, shown and flagged; their group is not 'all same reward'", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(file)}`);
  await expect(page.getByTestId("indexed")).toBeVisible();
  await expect(inspect.listCount()).toHaveText("12 samples");

  // Every row is read: none is "malformed JSON".
  await page.getByTestId("show-problems").click();
  await expect(page.getByTestId("problems-panel")).toContainText("reward is NaN");
  await expect(page.getByTestId("problems-panel")).toContainText("reward is Infinity");
  await expect(page.getByTestId("problems-panel")).not.toContainText("malformed JSON");
  await page.getByTestId("show-problems").click();

  await expect(inspect.row(1).getByTestId("reward-nonfinite")).toHaveText("NaN");
  await expect(inspect.row(5).getByTestId("reward-nonfinite")).toHaveText("Infinity");
  await inspect.row(1).click();
  await inspect.expectSample(1);
  await expect(page.getByTestId("detail-reward")).toHaveText(/NaN/);
  await expect(page.getByTestId("detail-problems")).toContainText("reward is NaN");

  // Group 0: three 1.0 rewards and a NaN. slime's advantages are all NaN; it is not "all same".
  await page.getByTestId("open-group").click();
  await expect(page.getByTestId("group-view")).toBeVisible();
  await expect(page.getByTestId("group-size")).toHaveText("4 samples");
  await expect(page.getByTestId("group-nonfinite")).toBeVisible();
  await expect(page.getByTestId("group-all-same")).toHaveCount(0);
  await expect(page.getByTestId("group-sample-1").getByTestId("reward-nonfinite")).toHaveText("NaN");
  const chips = page.getByTestId("group-advantage");
  await expect(chips).toHaveCount(4);
  for (let k = 0; k < 4; k++) await expect(chips.nth(k)).toContainText("NaN");

  // A group of four equal rewards still is "all same".
  await inspect.goto(`file=${encodeURIComponent(file)}&sample=8`);
  await inspect.expectSample(8);
  await page.getByTestId("open-group").click();
  await expect(page.getByTestId("group-all-same")).toBeVisible();
  await expect(page.getByTestId("group-nonfinite")).toHaveCount(0);
});
