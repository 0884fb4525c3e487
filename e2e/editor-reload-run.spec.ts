import { expect, test, type Page } from "@playwright/test";
import { EditorPage } from "./pages/editor-page";

// Issue 20.5: a run in flight belongs to the session, not to the page. After a reload mid-run the
// Editor shows it running, can cancel it, and shows its result with the code it ran, even when the
// buffer has changed since.

test.use({ viewport: { width: 1440, height: 900 } });

/** Waits until the server runs something in this session (the run reached the sandbox). */
async function waitForServerRun(page: Page, session: string): Promise<void> {
  await expect
    .poll(async () => {
      const rows = (await (await page.request.get("/api/editor/sessions")).json()) as { id: string; running: number }[];
      return rows.find((r) => r.id === session)?.running ?? 0;
    })
    .toBeGreaterThan(0);
}

test("after a reload mid-run the run shows as running, and its result arrives with the code it ran", async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.goto();
  const session = editor.sessionId();
  const code = 'import time\nprint("first run started", flush=True)\ntime.sleep(15)\nprint("first run finished")\n';
  await editor.setCode(code);
  await editor.run();
  await waitForServerRun(page, session);

  // The run's panel does not need Monaco: checked before it loads (on a loaded machine Monaco's
  // load can outlast the 15 s run).
  await page.reload();
  await expect(editor.result.getByTestId("tool-running")).toBeVisible();
  await expect(page.getByTestId("cancel-button")).toBeEnabled();
  await expect(page.getByTestId("run-button")).toHaveCount(0);
  await expect(editor.result.getByTestId("running-code-text")).toHaveText(code, { useInnerText: false });
  await editor.waitForMonaco();

  // The person moves on: new code in the buffer. The old run's result still says which code it ran.
  await editor.setCode('print("second, not run yet")\n');
  await editor.expectStatus("success");
  await expect(editor.stdout()).toHaveText("first run started\nfirst run finished\n");
  await expect(editor.result.getByTestId("result-code")).toContainText('print("first run started", flush=True)');
  await expect(editor.result.getByTestId("result-code-text")).toHaveText(code, { useInnerText: false });
  await expect(page.getByTestId("run-button")).toBeEnabled();

  // And after another reload the result keeps its code.
  await page.reload();
  await editor.waitForMonaco();
  await expect(editor.result.getByTestId("result-code-text")).toHaveText(code, { useInnerText: false });
  await expect(editor.result.getByTestId("tool-running")).toHaveCount(0);
});

test("a run started before a reload can be cancelled after it", async ({ page }) => {
  const editor = new EditorPage(page);
  await editor.goto();
  const session = editor.sessionId();
  await editor.setCode('import time\nprint("long run", flush=True)\ntime.sleep(120)\n');
  await editor.run();
  await waitForServerRun(page, session);

  await page.reload();
  await editor.waitForMonaco();
  await expect(editor.result.getByTestId("tool-running")).toBeVisible();
  await page.getByTestId("cancel-button").click();
  await editor.expectStatus("cancelled");
  await expect(page.getByTestId("run-button")).toBeEnabled();
  await expect.poll(async () => {
    const rows = (await (await page.request.get("/api/editor/sessions")).json()) as { id: string; running: number }[];
    return rows.find((r) => r.id === session)?.running ?? 0;
  }).toBe(0);
});
