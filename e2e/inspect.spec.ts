import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { slimeSample, writeBigJsonl, writeFixtureDir } from "../lib/data/testing/fixtures";
import { InspectPage } from "./pages/inspect-page";

// The server's PLAYGROUND_DATA_DIR defaults to .data/datasets under the repo; the spec writes
// its fixtures there so "open from the data directory" is exercised for real.
const dataDir = path.resolve(process.env.PLAYGROUND_DATA_DIR ?? ".data/datasets", "e2e-inspect");
let files: Record<string, string>;

// The 20 MB upload is written outside the data dir and removed afterwards: a run leaves no big file.
const uploadTmp = path.join(os.tmpdir(), `e2e-inspect-upload-${process.pid}`);

test.beforeAll(() => {
  files = writeFixtureDir(dataDir);
});
test.afterAll(() => fs.rmSync(uploadTmp, { recursive: true, force: true }));

test.describe("Inspect", () => {
  test("open, filter, open a sample, step with the keyboard, re-execute, re-score, open in Chat", async ({ page }) => {
    const inspect = new InspectPage(page);
    await inspect.goto();
    await inspect.openFromDataDir("e2e-inspect", "slime-rollout.jsonl");
    await expect(page.getByTestId("format-select")).toContainText("slime rollout samples");
    await expect(inspect.listCount()).toHaveText("40 samples");

    // Filter: status=truncated keeps rows 3, 8, 13, … (every fifth sample).
    await page.getByTestId("filter-status-truncated").click();
    await expect(inspect.listCount()).toHaveText("8 samples");
    await inspect.expectParam("status", "truncated");
    await expect(inspect.row(3)).toBeVisible();
    await expect(inspect.row(4)).toHaveCount(0);

    // Open a sample, then j / k through the filtered list.
    await inspect.row(3).click();
    await inspect.expectSample(3);
    await expect(inspect.detail().getByTestId("detail-prompt")).toContainText("Problem 0: what is 10 * 3 + 0?");
    await page.keyboard.press("j");
    await inspect.expectSample(8);
    await page.keyboard.press("j");
    await inspect.expectSample(13);
    await page.keyboard.press("k");
    await inspect.expectSample(8);
    await page.keyboard.press("k");
    await inspect.expectSample(3);

    // Arrows move between turns; the turn is in the URL.
    const turns = await inspect.detail().locator("[data-testid^='turn-']").count();
    expect(turns).toBeGreaterThan(1);
    await page.keyboard.press("ArrowRight");
    await expect(inspect.detail().getByTestId("turn-1")).toHaveAttribute("data-current", "true");
    await inspect.expectParam("turn", "1");
    await page.keyboard.press("ArrowLeft");
    await expect(inspect.detail().getByTestId("turn-0")).toHaveAttribute("data-current", "true");

    // A shared link restores the same view.
    const link = page.url();
    await page.goto(link);
    await inspect.expectSample(3);
    await expect(inspect.listCount()).toHaveText("8 samples");

    // Re-execute: sample 3 recorded a wrong interpreter output in its first cell.
    const recorded = slimeSample(3, { mismatchEvery: 4 }).response as string;
    expect(recorded).toContain("<interpreter>\nOutput:\n31\n</interpreter>"); // 10*3+0 is 30
    await page.getByTestId("reexecute-sample").click();
    await expect(inspect.detail().getByTestId("cell-mismatch")).toHaveCount(1);
    await expect(inspect.detail().getByTestId("cell-live-output")).toContainText("30");
    await expect(inspect.detail().getByTestId("reexec-summary")).toContainText("1 mismatched");
    await expect(inspect.row(3).getByTestId("reexec-mismatch")).toBeVisible();

    // Batch re-execution over the filtered list (the 8 truncated samples): rows 3 and 23 do not reproduce.
    await page.getByTestId("show-actions").click();
    await expect(page.getByTestId("actions-scope")).toHaveValue("filtered");
    await page.getByTestId("batch-reexecute").click();
    await expect(page.getByTestId("reexec-summary-done")).toHaveText("8 / 8");
    await expect(page.getByTestId("reexec-summary-mismatches")).toHaveText("2");
    await page.getByTestId("show-mismatches").click();
    await inspect.expectParam("mismatch", "1");
    await expect(inspect.listCount()).toHaveText("2 samples");
    await expect(inspect.row(23)).toBeVisible();

    // Re-score the whole file with slime's ReTool reward; some recorded rewards disagree.
    await page.getByTestId("actions-scope").selectOption("all");
    await page.getByTestId("rescore-type").selectOption("retool");
    await page.getByTestId("rescore-run").click();
    await expect(page.getByTestId("rescore-summary")).toContainText("40 rescored with retool");
    await expect(page.getByTestId("rescore-disagreements")).not.toHaveText("0 disagree");
    await expect(page.getByTestId("hist-rescored")).toHaveAttribute("data-total", "40");
    await page.getByTestId("show-disagreements").click();
    await inspect.expectParam("disagree", "1");
    await expect(page.getByTestId("sort-rescored")).toBeVisible();

    // Open in Chat from the second turn of a sample.
    await page.getByTestId("filter-clear").click();
    await expect(inspect.listCount()).toHaveText("40 samples");
    await inspect.row(1).click();
    await inspect.expectSample(1);
    await page.keyboard.press("ArrowRight");
    await expect(page.getByTestId("open-in-chat")).toContainText("turn 2");
    const href = await page.getByTestId("open-in-chat").getAttribute("href");
    const chat = new URL(href!, "http://x");
    expect(chat.pathname).toBe("/chat");
    expect(chat.searchParams.get("prompt")).toBe("Problem 0: what is 10 * 3 + 0?");
    expect(chat.searchParams.get("label")).toBe("30");
    // A templated prompt goes by reference (Chat fetches the whole sample, every turn, from turn 2 on).
    expect(chat.searchParams.get("assistant")).toBeNull();
    expect(chat.searchParams.get("inspect")).toMatch(/:1:1$/);
    // The Chat page turns the hand-off into a session with the sample's problem and label.
    await page.getByTestId("open-in-chat").click();
    await expect(page).toHaveURL(/\/chat\?session=/);
    await expect(page.getByTestId("settings-prompt")).toHaveValue("Problem 0: what is 10 * 3 + 0?");
    await expect(page.getByTestId("settings-label")).toHaveValue("30");
  });

  test("other formats, and a file with bad lines that still loads", async ({ page }) => {
    const inspect = new InspectPage(page);
    await inspect.goto("file=e2e-inspect/verl-dump.json");
    await expect(page.getByTestId("indexed")).toBeVisible();
    await expect(page.getByTestId("format-select")).toContainText("verl generation dump");
    await expect(inspect.listCount()).toHaveText("6 samples");

    await inspect.goto("file=e2e-inspect/chat-sft.jsonl&sample=2");
    await expect(page.getByTestId("format-select")).toContainText("chat messages");
    await expect(inspect.detail().getByTestId("segment-code")).toContainText("print(4**2)");
    await expect(inspect.detail().getByTestId("segment-interpreter")).toContainText("16");
    await expect(inspect.detail().getByTestId("segment-answer")).toBeVisible();
    await inspect.detail().getByTestId("extra-fields").click();
    await expect(inspect.detail().getByTestId("extra-fields")).toContainText("chat-fixture");

    // GRPO group view and a side-by-side diff of two samples of one prompt.
    await inspect.goto("file=e2e-inspect/slime-rollout.jsonl&sample=5");
    await inspect.expectSample(5);
    await page.getByTestId("open-group").click();
    await expect(page.getByTestId("group-size")).toHaveText("4 samples");
    for (const row of [4, 5, 6, 7]) await expect(page.getByTestId(`group-sample-${row}`)).toBeVisible();
    await expect(page.getByTestId("group-pass-rate")).toContainText("%");
    await inspect.expectParam("view", "group");
    await page.getByTestId("close-group").click();
    await page.getByTestId("open-diff").click();
    await expect(page.getByTestId("diff-other")).toHaveValue("6");
    await expect(page.getByTestId("diff-change").first()).toBeVisible();
    await inspect.expectParam("b", "6");

    // Upload the bad-input file: every defect is listed with its line, the rest loads.
    await inspect.goto();
    await page.getByTestId("upload-input").setInputFiles(files["bad-input.jsonl"]!);
    await expect(page.getByTestId("indexed")).toBeVisible();
    await expect(inspect.listCount()).toHaveText("8 samples");
    // The server parses the 300 kB line (its limit is 64 MiB); the unit tests cover a lower limit.
    await expect(page.getByTestId("show-problems")).toHaveText("Problems (7)");
    await page.getByTestId("show-problems").click();
    for (const line of [2, 4, 5, 7]) await expect(page.getByTestId(`problem-line-${line}`).first()).toBeVisible();
    await page.getByTestId("problem-line-2").click();
    await expect(inspect.detail().getByTestId("detail-problems")).toContainText("malformed JSON");
    await page.getByTestId("filter-has-error").click();
    await expect(inspect.listCount()).toHaveText("4 samples");
    // Regex search over prompt + response.
    await page.getByTestId("filter-has-error").click();
    await page.getByTestId("filter-regex").click();
    await page.getByTestId("filter-search").fill("Problem [01]:");
    await page.getByTestId("filter-search-go").click();
    await inspect.expectParam("q", "Problem [01]:");
    // The three good rows are all "Problem 0"; as plain text the pattern matches nothing.
    await expect(inspect.listCount()).toHaveText("3 samples");
    await page.getByTestId("filter-regex").click();
    await expect(inspect.listCount()).toHaveText("0 samples");
  });

  test("a 20 MB upload arrives whole (sent in chunks under the proxy's body limit)", async ({ page }) => {
    const file = path.join(uploadTmp, "upload-20mb.jsonl");
    await writeBigJsonl(file, 2000, 10_500);
    const inspect = new InspectPage(page);
    await inspect.goto();
    await page.getByTestId("upload-input").setInputFiles(file);
    await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
    await expect(inspect.listCount()).toHaveText("2,000 samples");
    await expect(page.getByTestId("show-problems")).toHaveText("Problems (0)");
    // Virtualized: only a screenful of the 2,000 rows is in the DOM; scrolling fetches the rest.
    expect(await page.locator("[data-testid^='sample-row-']").count()).toBeLessThan(100);
    await page.getByTestId("sample-list-scroll").evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect(page.getByTestId("sample-row-1999")).toBeVisible();
    expect(await page.locator("[data-testid^='sample-row-']").count()).toBeLessThan(100);
    await page.getByTestId("sample-list-scroll").evaluate((el) => el.scrollTo(0, 0));
    await page.getByTestId("sort-index").click();
    await page.getByTestId("sort-index").click();
    await expect(page.getByTestId("sample-row-1999")).toBeVisible();
  });
});
