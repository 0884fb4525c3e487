import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { monacoAssets } from "./monaco-assets";

describe("monacoAssets", () => {
  it("lists the loader, editor.main and every module it loads, each a file that exists", () => {
    const { scripts, styles } = monacoAssets();
    expect(scripts[0]).toBe("/monaco/vs/loader.js");
    expect(scripts).toContain("/monaco/vs/editor/editor.main.js");
    // The big ones, two levels down the define() lists.
    expect(scripts.some((s) => /\/editor-[\w-]+\.js$/.test(s))).toBe(true);
    expect(scripts.some((s) => /\/editorWorkerHost-[\w-]+\.js$/.test(s))).toBe(true);
    for (const f of [...scripts, ...styles]) expect(existsSync(path.join("public", f)), f).toBe(true);
  });
});
