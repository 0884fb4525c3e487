import { expect, type Locator, type Page } from "@playwright/test";

/** The Editor, as a person uses it. Shared by the Editor specs and anyone who needs to run code. */
export class EditorPage {
  readonly page: Page;
  readonly editor: Locator;
  readonly result: Locator;
  readonly filePanel: Locator;

  constructor(page: Page) {
    this.page = page;
    this.editor = page.getByTestId("code-editor");
    this.result = page.getByTestId("tool-result");
    this.filePanel = page.getByTestId("file-panel");
  }

  /** Opens the Editor (a new session unless one is given) and waits for Monaco. */
  async goto(opts: { session?: string; tool?: "python" | "shell" } = {}) {
    const q = new URLSearchParams();
    if (opts.session) q.set("session", opts.session);
    else q.set("new", "1");
    if (opts.tool) q.set("tool", opts.tool);
    await this.page.goto(`/editor${q.size ? `?${q}` : ""}`);
    await this.waitForMonaco();
  }

  async waitForMonaco() {
    await expect(this.editor).toHaveAttribute("data-monaco-ready", "true");
    await expect(this.editor.locator(".monaco-editor .view-lines")).toBeVisible();
  }

  sessionId(): string {
    const id = new URL(this.page.url()).searchParams.get("session");
    if (!id) throw new Error("no session in the URL");
    return id;
  }

  async selectTool(tool: "python" | "shell") {
    await this.page.getByTestId("tool-select").selectOption(tool);
  }

  /** Replaces the buffer, the way a paste does (no auto-indent or auto-closing brackets). */
  async setCode(code: string) {
    await this.focusEditor();
    await this.page.keyboard.press("ControlOrMeta+A");
    await this.page.keyboard.press("Delete");
    await this.page.keyboard.insertText(code);
  }

  /** Types key by key, like a person. */
  async typeCode(text: string) {
    await this.focusEditor();
    await this.page.keyboard.type(text);
  }

  async clearCode() {
    await this.focusEditor();
    await this.page.keyboard.press("ControlOrMeta+A");
    await this.page.keyboard.press("Delete");
  }

  async focusEditor() {
    await this.editor.locator(".monaco-editor .view-lines").click();
  }

  /** The text Monaco shows (rendered lines; fine for short documents). */
  async visibleCode(): Promise<string> {
    const text = await this.editor.locator(".monaco-editor .view-lines").innerText();
    return text.replace(/\u00a0/g, " ");
  }

  async run() {
    await this.page.getByTestId("run-button").click();
  }

  async expectStatus(status: "success" | "error" | "timeout" | "cancelled") {
    await expect(this.result.getByTestId("tool-running")).toHaveCount(0);
    await expect(this.result.getByTestId("tool-status")).toHaveAttribute("data-status", status);
  }

  stdout(): Locator {
    return this.result.getByTestId("tool-stdout");
  }

  /** A notebook cell's Monaco editor. */
  cellInput(i: number): Locator {
    return this.page.getByTestId(`notebook-cell-${i}`).getByTestId("notebook-cell-input");
  }

  /** Replaces a notebook cell's code, the way a paste does. */
  async setCellCode(i: number, code: string) {
    const input = this.cellInput(i);
    await expect(input).toHaveAttribute("data-monaco-ready", "true");
    await input.locator(".monaco-editor .view-lines").click();
    await this.page.keyboard.press("ControlOrMeta+A");
    await this.page.keyboard.press("Delete");
    await this.page.keyboard.insertText(code);
  }

  async cellCode(i: number): Promise<string> {
    return (await this.cellInput(i).locator(".monaco-editor .view-lines").innerText()).replace(/\u00a0/g, " ");
  }

  fileItem(path: string): Locator {
    return this.filePanel.locator(`[data-testid="file-item"][data-path="${path}"]`);
  }

  async createFile(path: string) {
    await this.page.getByTestId("new-file-name").fill(path);
    await this.page.getByTestId("file-create").click();
    await expect(this.page.getByTestId("open-file-path")).toHaveText(`/sandbox/${path}`);
  }

  async saveFile() {
    await this.page.getByTestId("file-save").click();
    await expect(this.page.getByTestId("file-dirty")).toHaveCount(0);
  }

  async openFile(path: string) {
    await this.fileItem(path).getByTestId("file-open").click();
    await expect(this.page.getByTestId("open-file-path")).toHaveText(`/sandbox/${path}`);
  }

  async deleteFile(path: string) {
    await this.fileItem(path).getByTestId("file-delete").click();
    await expect(this.fileItem(path)).toHaveCount(0);
  }
}
