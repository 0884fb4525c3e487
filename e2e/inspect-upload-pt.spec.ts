import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { makeDumpsScript, torchPython } from "../lib/data/readers/testing/torch-python";
import { InspectPage } from "./pages/inspect-page";

// Issue 20.2: a slime .pt dump opens by upload, as the README and the page say. PyTorch writes
// real dumps outside the data dir; the file dialog offers .pt and the upload opens.
const tmp = path.join(os.tmpdir(), `e2e-upload-pt-${process.pid}`);
test.beforeAll(() => {
  const python = torchPython();
  if (!python) throw new Error("this spec needs PyTorch: apt-get install python3-torch");
  const r = spawnSync(python, [makeDumpsScript, tmp, "rollout", "train"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
});
test.afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("a rollout dump and a train dump open by upload; the file dialog offers .pt", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto();
  const accept = (await page.getByTestId("upload-input").getAttribute("accept")) ?? "";
  expect(accept.split(",")).toEqual(expect.arrayContaining([".pt", ".jsonl", ".parquet"]));

  await page.getByTestId("upload-input").setInputFiles(path.join(tmp, "rollout_data", "1.pt"));
  await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
  await expect(inspect.listCount()).toHaveText("8 samples");
  await inspect.row(2).click();
  await expect(inspect.detail()).toContainText("What is 2+2? (sample 2)");

  // A train dump alone (no ../rollout_data beside an upload): token ids and per-token values.
  await inspect.goto();
  await page.getByTestId("upload-input").setInputFiles(path.join(tmp, "train_data", "0.pt"));
  await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
  await expect(inspect.listCount()).toHaveText("8 samples");
  await expect(page.getByTestId("sort-lp_max")).toBeVisible();
});
