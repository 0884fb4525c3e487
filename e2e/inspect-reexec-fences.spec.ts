import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { formatRetoolPrompt } from "../lib/rollout/template";
import { retoolSample, writeRolloutDump } from "./support/dumps";
import { dataRoot } from "./support/inspect-data";
import { InspectPage } from "./pages/inspect-page";

// Issue 20 item 6: ReTool cells wrapped in ```python fences. slime's tool_sandbox runs a cell as
// written (fences included: a SyntaxError), while these outputs were recorded by a server that
// strips fences (SandboxFusion-style). Re-execute says why the cells do not reproduce, and running
// with the fences stripped, chosen explicitly, reproduces them. A real torch.save dump.
const dir = `e2e-inspect-reexec-fences-${process.env.TEST_WORKER_INDEX ?? "0"}`;
const file = `${dir}/retool/rollout_data/0.pt`;

test.beforeAll(() => {
  const samples = [0, 1, 2].map((i) =>
    retoolSample({
      prompt: formatRetoolPrompt(`Question ${i}: what is ${i + 2} * 7?`),
      turns: [`Let me compute it.\n<code>\n\`\`\`python\nprint(${i + 2} * 7)\n\`\`\`\n</code>`, `Answer: \\boxed{${(i + 2) * 7}}`],
      observations: [`Output:\n${(i + 2) * 7}`],
      label: String((i + 2) * 7),
      reward: 1,
      index: i,
      group: 0,
    }),
  );
  writeRolloutDump(path.join(dataRoot, file), samples);
});
test.afterAll(() => fs.rmSync(path.join(dataRoot, dir), { recursive: true, force: true }));
test.use({ viewport: { width: 1440, height: 900 } });

test("fenced ReTool cells: as written (slime) they do not reproduce and the verdict says why; stripped (SandboxFusion-style) they do", async ({ page }) => {
  const inspect = new InspectPage(page);
  await inspect.goto(`file=${encodeURIComponent(file)}&sample=1`);
  await expect(page.getByTestId("indexed")).toBeVisible({ timeout: 60_000 });
  await inspect.expectSample(1);
  await expect(inspect.detail().getByTestId("segment-code")).toContainText("print(3 * 7)");

  // One sample, from the detail: as written, Python sees the fence and the cell does not reproduce.
  await page.getByTestId("reexecute-sample").click();
  const summary = inspect.detail().getByTestId("reexec-summary");
  await expect(summary).toContainText("0 reproduced, 1 mismatched");
  const note = inspect.detail().getByTestId("reexec-sample-fence-note");
  await expect(note).toContainText("ran as written, as slime's tool_sandbox runs them");
  await expect(note).toContainText("SyntaxError");
  await expect(inspect.detail().getByTestId("cell-live-output")).toContainText("SyntaxError");
  await expect(inspect.row(1).getByTestId("reexec-mismatch")).toBeVisible();
  // Stripping is a choice the person makes, and the verdict then says it was made.
  await note.getByTestId("reexecute-sample-strip-fences").click();
  await expect(summary).toContainText("1 reproduced, 0 mismatched");
  await expect(inspect.detail().getByTestId("reexec-sample-fence-note")).toContainText("ran with the fences stripped (SandboxFusion-style)");
  await expect(inspect.detail().getByTestId("cell-match")).toHaveCount(1);
  await expect(inspect.row(1).getByTestId("reexec-match")).toBeVisible();

  // The whole file from the actions panel: 3 cells, all "not reproducible" as written, with why.
  await page.getByTestId("show-actions").click();
  await page.getByTestId("actions-scope").selectOption("all");
  await expect(page.getByTestId("reexecute-fences")).toHaveValue("as-written");
  await page.getByTestId("batch-reexecute").click();
  await expect(page.getByTestId("reexec-summary-done")).toHaveText("3 / 3");
  await expect(page.getByTestId("reexec-summary-mismatches")).toHaveText("3");
  const batchNote = page.getByTestId("reexec-fence-note");
  await expect(batchNote).toContainText("3 of 3 code cells hold ``` fences");
  await expect(batchNote).toContainText("as slime's tool_sandbox runs them (it does not strip fences)");
  await page.getByTestId("reexecute-strip-fences").click();
  await expect(page.getByTestId("reexecute-fences")).toHaveValue("strip");
  await expect(page.getByTestId("reexec-summary-mismatches")).toHaveText("0");
  await expect(page.getByTestId("reexec-fence-note")).toContainText("ran with the fences stripped (SandboxFusion-style)");
  for (const i of [0, 1, 2]) await expect(inspect.row(i).getByTestId("reexec-match")).toBeVisible();
});
