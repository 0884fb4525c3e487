import { randomUUID } from "node:crypto";
import { expect, test, type Route } from "@playwright/test";
import { EditorPage } from "./pages/editor-page";

// Issue 11, item 7: Editor work is never lost. The buffers, the open file (with unsaved text), the
// mode, the backend, the last result and the notebook cells live on the server per session.

test.use({ viewport: { width: 1440, height: 900 } });

test.describe("Editor workspace", () => {
  test("a reload keeps the buffers, the mode and the last result", async ({ page }) => {
    const editor = new EditorPage(page);
    await editor.goto();
    const session = editor.sessionId();
    await editor.setCode('print("kept across reloads")\n');
    await editor.run();
    await editor.expectStatus("success");
    await editor.selectTool("shell");
    await editor.waitForMonaco();
    await editor.setCode("echo shell buffer kept");

    await page.reload();
    await editor.waitForMonaco();
    expect(editor.sessionId()).toBe(session);
    await expect(page.getByTestId("tool-select")).toHaveValue("shell");
    await expect.poll(() => editor.visibleCode()).toContain("echo shell buffer kept");
    // The last result came back from the server, not from a new run.
    await expect(editor.stdout()).toHaveText("kept across reloads\n");
    await editor.selectTool("python");
    await expect.poll(() => editor.visibleCode()).toContain('print("kept across reloads")');

    // Even a URL without the mode: the session remembers it.
    await page.goto(`/editor?session=${session}`);
    await editor.waitForMonaco();
    await expect(page.getByTestId("tool-select")).toHaveValue("python");
  });

  test("a mode change whose save is still on its way when the page is left is kept", async ({ page }) => {
    const editor = new EditorPage(page);
    await editor.goto();
    const session = editor.sessionId();
    // The debounced save of the mode change is held in the browser (a slow network), then the page
    // is left: the navigation cancels that plain fetch, so what is on its way must be sent again.
    const held: Route[] = [];
    const url = `**/api/editor/workspaces/${session}`;
    await page.route(url, async (route) => {
      const body = route.request().method() === "PUT" ? (JSON.parse(route.request().postData() ?? "{}") as { tool?: string }) : {};
      if (body.tool === "shell" && held.length === 0) held.push(route);
      else await route.continue();
    });
    await editor.selectTool("shell");
    await expect.poll(() => held.length).toBe(1);

    await page.goto(`/editor?session=${session}`);
    await editor.waitForMonaco();
    await expect(page.getByTestId("tool-select")).toHaveValue("shell");
  });

  test("Editor → Chat → Editor through the header keeps the session, the open file and its unsaved text", async ({ page }) => {
    const editor = new EditorPage(page);
    await editor.goto();
    const session = editor.sessionId();
    await editor.createFile("work.py");
    await editor.setCode('print("saved part")\n');
    await editor.saveFile();
    await editor.setCode('print("unsaved part")\n');
    await expect(page.getByTestId("file-dirty")).toBeVisible();

    await page.getByTestId("nav-chat").click();
    await expect(page).toHaveURL(/\/chat\?session=/);
    await page.getByTestId("nav-editor").click();
    await expect(page).toHaveURL(new RegExp(`/editor\\?.*session=${session}`));
    await editor.waitForMonaco();
    await expect(page.getByTestId("open-file-path")).toHaveText("/sandbox/work.py");
    await expect(page.getByTestId("file-dirty")).toBeVisible();
    await expect.poll(() => editor.visibleCode()).toContain('print("unsaved part")');
    await expect(editor.fileItem("work.py")).toBeVisible();

    // "New session" really starts over.
    await page.getByTestId("editor-new-session").click();
    await editor.waitForMonaco();
    expect(editor.sessionId()).not.toBe(session);
    await expect(page.getByTestId("open-file-path")).toHaveCount(0);
  });

  test("a reload in the middle of a run: the result is recorded on the server and shown after", async ({ page }) => {
    const editor = new EditorPage(page);
    await editor.goto();
    await editor.setCode('import time\ntime.sleep(2)\nprint("finished while away")\n');
    await editor.run();
    await expect(page.getByTestId("run-in-flight")).toBeVisible();
    await page.reload();
    await editor.waitForMonaco();
    await expect.poll(() => editor.visibleCode()).toContain("finished while away");
    // The run carried on on the server; a later load shows its result.
    await expect(async () => {
      await page.reload();
      await expect(editor.stdout()).toHaveText("finished while away\n", { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
  });

  test("edits typed just before a reload are there after it, every time", async ({ page }) => {
    const editor = new EditorPage(page);
    await editor.goto();
    // No pause between the last keystroke and the reload: the save goes out as the page unloads
    // and the reloaded page waits for it on the server.
    for (const round of [1, 2, 3]) {
      await editor.setCode(`print("round ${round}")\n`);
      await page.reload();
      await editor.waitForMonaco();
      await expect.poll(() => editor.visibleCode()).toContain(`print("round ${round}")`);
    }
  });

  test("the session list: this session, another one, and an ms-enclave sandbox's files, each a click away", async ({ page, request }) => {
    const editor = new EditorPage(page);
    await editor.goto();
    const first = editor.sessionId();
    await editor.setCode('print("from the first session")\n');
    await editor.run();
    await editor.expectStatus("success");
    // An ms-enclave client holds a sandbox and writes a file in it. (With file_operation among its
    // tools the Editor's file panel can list the files; without it the panel says the tool is missing.)
    const created = await request.post("/ms-enclave/sandbox/create?sandbox_type=docker", { data: { tools_config: ["python_executor", "file_operation"] } });
    expect(created.status()).toBe(200);
    const enclaveId = ((await created.json()) as { sandbox_id: string }).sandbox_id;
    const marker = `enclave-${randomUUID().slice(0, 8)}.txt`;
    const wrote = await request.post("/ms-enclave/sandbox/tool/execute", {
      data: { sandbox_id: enclaveId, tool_name: "python_executor", parameters: { code: `open("${marker}", "w").write("hi")` }, timeout: null },
    });
    expect(((await wrote.json()) as { status: string }).status).toBe("success");

    await page.getByTestId("editor-new-session").click();
    await editor.waitForMonaco();
    const second = editor.sessionId();
    expect(second).not.toBe(first);
    await page.getByTestId("editor-sessions").click();
    const list = page.getByTestId("editor-session-list");
    const rowOf = (id: string) => list.locator(`[data-testid="editor-session-row"][data-session-id="${id}"]`);
    await expect(rowOf(first)).toContainText("live on local");
    await expect(rowOf(first).getByTestId("editor-session-open")).toBeVisible();
    await expect(rowOf(enclaveId)).toHaveAttribute("data-kind", "ms-enclave");
    // The session manager closes an ms-enclave sandbox after the idle TTL like any other.
    await expect(rowOf(enclaveId)).toContainText(/live on docker, closes in \d+ min if idle/);
    await page.screenshot({ path: test.info().outputPath("session-list-1440.png") });
    await page.setViewportSize({ width: 1024, height: 700 });
    await expect(rowOf(enclaveId).getByTestId("editor-session-open")).toBeInViewport();
    await page.screenshot({ path: test.info().outputPath("session-list-1024.png") });
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.keyboard.press("Escape");
    await expect(list).toBeHidden();
    await page.getByTestId("editor-sessions").click();

    // The ms-enclave sandbox opens in the Editor on its own files.
    await rowOf(enclaveId).getByTestId("editor-session-open").click();
    await expect(page).toHaveURL(new RegExp(`session=${enclaveId}`));
    await expect(editor.fileItem(marker)).toBeVisible();
    // And back to the first session, with its buffer.
    await page.getByTestId("editor-sessions").click();
    await rowOf(first).getByTestId("editor-session-open").click();
    await expect(page).toHaveURL(new RegExp(`session=${first}`));
    await editor.waitForMonaco();
    await expect.poll(() => editor.visibleCode()).toContain("from the first session");
    expect((await request.delete(`/ms-enclave/sandbox/${enclaveId}`)).status()).toBe(200);
  });

  test("notebook cells and their outputs survive a reload", async ({ page }) => {
    const editor = new EditorPage(page);
    await page.goto("/editor?new=1&tool=notebook&backend=local");
    const nb = page.getByTestId("notebook");
    await expect(nb).toBeVisible();
    await editor.setCellCode(0, "x = 6 * 7\nprint('cell says', x)");
    await nb.getByTestId("notebook-add-cell").click();
    await editor.setCellCode(2, "# a third cell\nx + 1");
    // Shift+Enter inside the cell runs it (a Monaco editor, not a textarea).
    await editor.cellInput(0).locator(".monaco-editor .view-lines").click();
    await page.keyboard.press("Shift+Enter");
    await expect(nb.getByTestId("notebook-cell-0").getByTestId("notebook-cell-output")).toContainText("cell says 42", { timeout: 60_000 });

    await page.reload();
    await expect(nb).toBeVisible();
    await expect(nb.getByTestId("notebook-cell-2")).toBeVisible();
    await expect(nb.getByTestId("notebook-cell-3")).toHaveCount(0);
    await expect.poll(() => editor.cellCode(0)).toContain("print('cell says', x)");
    await expect.poll(() => editor.cellCode(2)).toContain("# a third cell");
    await expect(nb.getByTestId("notebook-cell-0").getByTestId("notebook-cell-output")).toContainText("cell says 42");
  });

  test("the chosen backend survives a trip through the header (not back to local)", async ({ page }) => {
    const editor = new EditorPage(page);
    await editor.goto();
    const unavailable = await page.getByTestId("backend-option-docker").evaluate((o) => (o as HTMLOptionElement).disabled);
    test.skip(unavailable && !process.env.CI, "docker backend unavailable");
    await page.getByTestId("backend-select").selectOption("docker");
    await editor.selectTool("shell");
    await page.getByTestId("nav-chat").click();
    await expect(page).toHaveURL(/\/chat\?session=/);
    await page.getByTestId("nav-editor").click();
    await editor.waitForMonaco();
    await expect(page.getByTestId("backend-select")).toHaveValue("docker");
    await expect(page.getByTestId("tool-select")).toHaveValue("shell");
    await expect(page.getByTestId("file-place")).toHaveText("docker:/sandbox");
  });
});
