import { expect, test, type Page } from "@playwright/test";
import { EditorPage } from "./pages/editor-page";

// Issue 20, item 13: opening the Editor stores nothing; a session is made when it holds something,
// is named by what it holds (first line of code, the open file), and can be renamed and deleted.

const shots = "/work/wt/shots/firsthour";

async function listedIds(page: Page): Promise<string[]> {
  const res = await page.request.get("/api/editor/sessions");
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { id: string }[]).map((r) => r.id);
}

function row(page: Page, id: string) {
  return page.getByTestId("editor-session-list").locator(`[data-testid="editor-session-row"][data-session-id="${id}"]`);
}

test.describe("Editor sessions", () => {
  test.use({ viewport: { width: 1440, height: 900 } });

  test("fresh visits (code, shell, notebook, a reload) create no session", async ({ page }) => {
    const editor = new EditorPage(page);
    const visited: string[] = [];
    for (const tool of ["python", "shell"] as const) {
      await editor.goto({ tool });
      await expect(page.getByTestId("file-panel")).toBeVisible();
      visited.push(editor.sessionId());
    }
    await page.goto("/editor?new=1&tool=notebook&backend=local");
    await expect(editor.cellInput(1)).toHaveAttribute("data-monaco-ready", "true");
    visited.push(editor.sessionId());
    await page.reload();
    await expect(editor.cellInput(1)).toHaveAttribute("data-monaco-ready", "true");
    // The mode chosen for a fresh session survives its reload all the same.
    await expect(page.getByTestId("tool-select")).toHaveValue("notebook");
    const ids = await listedIds(page);
    for (const id of visited) expect(ids).not.toContain(id);
  });

  test("a session is named by its first line of code or its file; rename and delete in the list", async ({ page }) => {
    const editor = new EditorPage(page);
    await editor.goto();
    const first = editor.sessionId();
    await editor.setCode('\n\nprint("hello sessions")\nprint(2)\n');
    await expect.poll(async () => (await listedIds(page)).includes(first)).toBe(true);

    await page.getByTestId("editor-sessions").click();
    await expect(row(page, first).getByTestId("editor-session-name")).toHaveText('print("hello sessions")');
    await expect(row(page, first).getByTestId("editor-session-current")).toBeVisible();

    await row(page, first).getByTestId("editor-session-rename").click();
    await row(page, first).getByTestId("editor-session-name-input").fill("tokenizer check");
    await row(page, first).getByTestId("editor-session-name-input").press("Enter");
    await expect(row(page, first).getByTestId("editor-session-name")).toHaveText("tokenizer check");
    await page.screenshot({ path: `${shots}/editor-sessions-1440.png` });

    // A second session holding a file is named by the file.
    await editor.goto();
    const second = editor.sessionId();
    await editor.createFile("notes/plan.md");
    await page.getByTestId("editor-sessions").click();
    await expect(row(page, second).getByTestId("editor-session-name")).toHaveText("plan.md");
    await expect(row(page, first).getByTestId("editor-session-name")).toHaveText("tokenizer check");

    // Delete the first (not the one open here): asked once more, then gone with its workspace.
    await row(page, first).getByTestId("editor-session-delete").click();
    await row(page, first).getByTestId("editor-session-delete-yes").click();
    await expect(row(page, first)).toHaveCount(0);
    expect((await page.request.get(`/api/editor/workspaces/${first}`)).status()).toBe(404);
    expect(await listedIds(page)).not.toContain(first);
    await expect(row(page, second)).toHaveCount(1);
  });

  test("at 1024 px the list with rename and delete stays inside the window", async ({ page }) => {
    await page.setViewportSize({ width: 1024, height: 700 });
    const editor = new EditorPage(page);
    await editor.goto();
    const id = editor.sessionId();
    await editor.setCode(`# ${"x".repeat(3000)}\n`);
    await expect.poll(async () => (await listedIds(page)).includes(id)).toBe(true);
    await page.getByTestId("editor-sessions").click();
    const name = row(page, id).getByTestId("editor-session-name");
    await expect(name).toContainText("# xxx");
    const list = await page.getByTestId("editor-session-list").boundingBox();
    expect(list && list.x + list.width).toBeLessThanOrEqual(1024);
    const del = await row(page, id).getByTestId("editor-session-delete").boundingBox();
    expect(del && del.x + del.width).toBeLessThanOrEqual(1024);
    await page.screenshot({ path: `${shots}/editor-sessions-1024.png` });
  });
});
