import { expect, test, type Request } from "@playwright/test";
import pkg from "../package.json";
import { EditorPage } from "./pages/editor-page";

const localHosts = new Set(["127.0.0.1", "localhost"]);

test.describe("Editor", () => {
  test("types Python, runs it, shows the output; no request leaves localhost", async ({ page, context }) => {
    const requests: string[] = [];
    const record = (r: Request) => requests.push(r.url());
    context.on("request", record);
    page.on("websocket", (ws) => requests.push(ws.url()));

    const editor = new EditorPage(page);
    await editor.goto();
    expect(editor.sessionId()).toMatch(/^[A-Za-z0-9_-]{8,64}$/);

    // Typed key by key into Monaco, then the Run button.
    await editor.clearCode();
    await editor.typeCode("print(6 * 7)");
    await editor.run();
    await editor.expectStatus("success");
    await expect(editor.stdout()).toHaveText("42\n");
    await expect(editor.result.getByTestId("tool-exit-code")).toHaveText("0");
    await expect(editor.result.getByTestId("tool-duration")).toHaveText(/\d/);

    // Ctrl/Cmd+Enter from inside the editor; stderr and a non-zero exit code.
    await editor.setCode('import sys\nprint("to stderr", file=sys.stderr)\nsys.exit(3)\n');
    await page.keyboard.press("ControlOrMeta+Enter");
    await editor.expectStatus("error");
    await expect(editor.result.getByTestId("tool-exit-code")).toHaveText("3");
    await expect(editor.result.getByTestId("tool-stderr")).toContainText("to stderr");
    await expect(editor.result.getByTestId("tool-error")).toContainText("code 3");

    // Monaco really came from our own origin.
    const monacoLoads = requests.filter((u) => new URL(u).pathname.startsWith("/monaco/vs/"));
    expect(monacoLoads.some((u) => u.endsWith("/monaco/vs/loader.js"))).toBe(true);
    expect(monacoLoads.some((u) => u.includes("/monaco/vs/editor/editor.main"))).toBe(true);
    await expect(editor.editor.locator(".monaco-editor")).toHaveCount(1);

    const network = requests.filter((u) => /^(https?|wss?):/.test(u));
    expect(network.length).toBeGreaterThan(5);
    const foreign = network.filter((u) => !localHosts.has(new URL(u).hostname));
    expect(foreign, `requests that left localhost:\n${foreign.join("\n")}`).toEqual([]);
  });

  test("runs shell commands in the session directory", async ({ page }) => {
    const editor = new EditorPage(page);
    await editor.goto({ tool: "shell" });
    await expect(page.getByTestId("tool-select")).toHaveValue("shell");
    await editor.setCode('echo "hi from $0"; pwd');
    await editor.run();
    await editor.expectStatus("success");
    await expect(editor.stdout()).toHaveText(/^hi from \S*bash\n\/sandbox\n$/);
    await expect(editor.result.getByTestId("tool-name")).toHaveText("shell_executor");
  });

  test("file panel round trip: create, save, list, open, run, reload, delete", async ({ page }) => {
    const editor = new EditorPage(page);
    await editor.goto();
    const session = editor.sessionId();

    await editor.createFile("notes.py");
    await expect(editor.fileItem("notes.py")).toBeVisible();
    await editor.setCode('print("from a file")\n');
    await expect(page.getByTestId("file-dirty")).toBeVisible();
    await editor.saveFile();

    // Running the open file runs what was saved into /sandbox.
    await editor.run();
    await editor.expectStatus("success");
    await expect(editor.stdout()).toHaveText("from a file\n");

    // A shell run in the same session sees the file on disk.
    await page.getByTestId("file-close").click();
    await editor.selectTool("shell");
    await editor.setCode("cat notes.py && ls");
    await editor.run();
    await editor.expectStatus("success");
    await expect(editor.stdout()).toContainText('print("from a file")');

    // Reload: the session id in the URL brings the same files back.
    await page.reload();
    await editor.waitForMonaco();
    expect(editor.sessionId()).toBe(session);
    await expect(editor.fileItem("notes.py")).toBeVisible();
    await editor.openFile("notes.py");
    await expect.poll(() => editor.visibleCode()).toContain('print("from a file")');

    await editor.deleteFile("notes.py");
    await expect(page.getByTestId("open-file-path")).toHaveCount(0);
    await page.getByTestId("file-refresh").click();
    await expect(page.getByTestId("file-list-empty")).toBeVisible();
    // The deleted file is no longer the session's open file: a reload does not try to reopen it.
    await page.reload();
    await editor.waitForMonaco();
    await expect(page.getByTestId("scratch-label")).toBeVisible();
    await expect(page.getByTestId("file-error")).toHaveCount(0);
  });

  test("file panel reports errors from file_operation", async ({ page }) => {
    const editor = new EditorPage(page);
    await editor.goto();
    await page.getByTestId("new-file-name").fill("../escape.txt");
    await page.getByTestId("file-create").click();
    await expect(page.getByTestId("file-error")).toBeVisible();
    await expect(page.getByTestId("open-file-path")).toHaveCount(0);
  });

  test("cancels a long run: the panel says cancelled", async ({ page }) => {
    const editor = new EditorPage(page);
    await editor.goto();
    await editor.setCode('import time\nprint("started", flush=True)\ntime.sleep(120)\nprint("never")\n');
    await editor.run();
    await expect(page.getByTestId("run-in-flight")).toBeVisible();
    await expect(editor.result.getByTestId("tool-running")).toBeVisible();
    await page.getByTestId("cancel-button").click();
    await editor.expectStatus("cancelled");
    await expect(page.getByTestId("run-button")).toBeEnabled();
    // What the run printed before the cancel is kept, and nothing after it (the panel also shows
    // the code that ran, which contains the word).
    await expect(editor.stdout()).toHaveText("started\n");

    // The session still works after a cancel.
    await editor.setCode("print('again')");
    await editor.run();
    await editor.expectStatus("success");
    await expect(editor.stdout()).toHaveText("again\n");
  });
});

test.describe("Shell", () => {
  test("navigates between areas and shows backends and the version", async ({ page }) => {
    await page.goto("/editor");
    await expect(page.getByTestId("nav-editor")).toHaveAttribute("aria-current", "page");
    const local = page.getByTestId("backend-status-local");
    await expect(local).toHaveAttribute("data-available", "true");
    await expect(page.getByTestId("backend-status-docker")).toBeVisible();
    await expect(page.getByTestId("app-version")).toHaveText(`rollout-playground v${pkg.version}`);

    await page.getByTestId("nav-chat").click();
    await expect(page).toHaveURL(/\/chat/);
    await expect(page.getByTestId("nav-chat")).toHaveAttribute("aria-current", "page");
    await page.getByTestId("nav-inspect").click();
    await expect(page).toHaveURL(/\/inspect/);
    await expect(page.getByTestId("nav-inspect")).toHaveAttribute("aria-current", "page");
  });

  test("without a token, refuses foreign Host headers and cross-origin posts", async ({ request }) => {
    const foreignHost = await request.get("/editor", { headers: { host: "evil.example" }, maxRedirects: 0 });
    expect(foreignHost.status()).toBe(403);
    const crossOrigin = await request.post("/api/runs/abcdefgh1234/cancel", {
      headers: { origin: "http://evil.example" },
    });
    expect(crossOrigin.status()).toBe(403);
    const sameOrigin = await request.post("/api/runs/abcdefgh1234/cancel");
    expect(sameOrigin.status()).toBe(200);
    expect(await sameOrigin.json()).toEqual({ runId: "abcdefgh1234", cancelled: false });
  });
});
