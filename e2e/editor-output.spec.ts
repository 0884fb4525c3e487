import { expect, test, type Locator } from "@playwright/test";
import { EditorPage } from "./pages/editor-page";

// Issue 11, item 8: what a new user trips on in the Editor's output, controls and file list.

test.use({ viewport: { width: 1440, height: 900 } });

async function box(l: Locator) {
  const b = await l.boundingBox();
  if (!b) throw new Error("not visible");
  return b;
}

test.describe("Editor output and controls", () => {
  test("2 MB of output with no spaces: cut at the limit with a visible line saying how much was dropped; controls stay on screen", async ({ page }) => {
    const editor = new EditorPage(page);
    await editor.goto();
    await editor.setCode('import sys\nsys.stdout.write("x" * 2_000_000)\n');
    await editor.run();
    await editor.expectStatus("success");
    const note = editor.result.getByTestId("tool-truncation-note");
    await expect(note).toBeVisible();
    await expect(note).toHaveText(/output cut here: 929\.1 KiB dropped \(2,000,000 bytes written; the limit is 1\.0 MiB per stream\)/);
    await expect(editor.result.getByTestId("tool-truncated")).toBeVisible();
    // The text wraps inside the panel: nothing is pushed off the 1440 px screen.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(1440);
    const run = await box(page.getByTestId("run-button"));
    expect(run.x + run.width).toBeLessThanOrEqual(1440);
    const noteBox = await box(note);
    expect(noteBox.x + noteBox.width).toBeLessThanOrEqual(1440);
  });

  test("Run → Cancel does not move the layout, and Escape cancels", async ({ page }) => {
    const editor = new EditorPage(page);
    await editor.goto();
    await editor.setCode('import time\nprint("started", flush=True)\ntime.sleep(120)\n');
    const runBox = await box(page.getByTestId("run-button"));
    const editorBox = await box(editor.editor);
    const toolbarBox = await box(page.getByTestId("run-controls"));
    await editor.run();
    await expect(page.getByTestId("cancel-button")).toBeVisible();
    expect(await box(page.getByTestId("cancel-button"))).toEqual(runBox);
    expect(await box(editor.editor)).toEqual(editorBox);
    expect(await box(page.getByTestId("run-controls"))).toEqual(toolbarBox);

    // Escape, with the focus in Monaco, cancels the run.
    await editor.focusEditor();
    await page.keyboard.press("Escape");
    await editor.expectStatus("cancelled");
    expect(await box(page.getByTestId("run-button"))).toEqual(runBox);
  });

  test("build leftovers do not fill the file list; the panel says local and Docker files are different places", async ({ page }) => {
    const editor = new EditorPage(page);
    await editor.goto({ tool: "shell" });
    await expect(page.getByTestId("file-place")).toHaveText("local:/sandbox");
    await expect(page.getByTestId("file-place-note")).toContainText("The Docker backend has its own, separate files");
    await editor.setCode("touch main a.out Main.class && mkdir -p __pycache__ && touch __pycache__/m.cpython-311.pyc && echo hi > keep.txt && echo 'print(1)' > main.py");
    await editor.run();
    await editor.expectStatus("success");
    await expect(editor.fileItem("keep.txt")).toBeVisible();
    await expect(editor.fileItem("main.py")).toBeVisible();
    for (const hidden of ["main", "a.out", "Main.class", "__pycache__"]) await expect(editor.fileItem(hidden)).toHaveCount(0);
    const toggle = page.getByTestId("file-leftovers-toggle");
    await expect(toggle).toHaveText("4 build/cache files hidden · show");
    await toggle.click();
    for (const shown of ["main", "a.out", "Main.class", "__pycache__"]) await expect(editor.fileItem(shown)).toBeVisible();
  });

  test("notebook cells are Monaco editors with Python highlighting; a plot has no 'No output.' above it", async ({ page }) => {
    const editor = new EditorPage(page);
    await page.goto("/editor?new=1&tool=notebook&backend=local");
    const cell = page.getByTestId("notebook-cell-1");
    const input = editor.cellInput(1);
    await expect(input).toHaveAttribute("data-monaco-ready", "true");
    await expect(input.locator(".monaco-editor")).toHaveCount(1);
    await expect(cell.locator("textarea.inputarea, textarea.ime-text-area")).toHaveCount(1);
    // Python highlighting: the keyword `import` is its own token with another colour than a name.
    await editor.setCellCode(1, "import matplotlib.pyplot as plt\nplt.plot([0, 1, 4, 9])\nplt.show()");
    await expect(input.locator(".view-line")).toHaveCount(3);
    const colours = await input.locator(".view-line span span").evaluateAll((spans) =>
      spans.map((el) => ({ text: (el.textContent ?? "").replace(/\u00a0/g, " ").trim(), colour: getComputedStyle(el).color })),
    );
    const keyword = colours.find((c) => c.text === "import");
    const module = colours.find((c) => c.text.startsWith("matplotlib"));
    expect(keyword, JSON.stringify(colours)).toBeDefined();
    expect(keyword!.colour).not.toBe(module!.colour);

    await input.locator(".monaco-editor .view-lines").click();
    await page.keyboard.press("Shift+Enter");
    const out = cell.getByTestId("notebook-cell-output");
    await expect(out.getByTestId("tool-status")).toHaveAttribute("data-status", /success|error/, { timeout: 60_000 });
    await expect(out.getByTestId("tool-images").locator("img")).toHaveCount(1);
    await expect(out.getByTestId("tool-no-output")).toHaveCount(0);
  });

  test("local and Docker files are different places: a local file is not in the Docker list, and the panel says which it shows", async ({ page }) => {
    const editor = new EditorPage(page);
    await editor.goto();
    const docker = page.getByTestId("backend-option-docker");
    const unavailable = await docker.evaluate((o) => (o as HTMLOptionElement).disabled);
    test.skip(unavailable && !process.env.CI, "docker backend unavailable");
    await editor.createFile("only-local.txt");
    await expect(editor.fileItem("only-local.txt")).toBeVisible();
    await page.getByTestId("backend-select").selectOption("docker");
    await expect(page.getByTestId("file-place")).toHaveText("docker:/sandbox");
    await expect(page.getByTestId("file-place-note")).toContainText("The local backend has its own, separate files");
    await expect(page.getByTestId("file-list-empty").or(page.getByTestId("file-list"))).toBeVisible();
    await expect(editor.fileItem("only-local.txt")).toHaveCount(0);
    // Back on local, the file is still there.
    await page.getByTestId("backend-select").selectOption("local");
    await expect(page.getByTestId("file-place")).toHaveText("local:/sandbox");
    await expect(editor.fileItem("only-local.txt")).toBeVisible();
  });
});
