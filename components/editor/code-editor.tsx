"use client";

import { useEffect, useRef, useState } from "react";
import Editor, { loader, type OnMount } from "@monaco-editor/react";

// Monaco comes from our own origin (scripts/copy-monaco.mjs copies the installed
// package to public/monaco/vs). Never a CDN: the playground must work offline.
loader.config({ paths: { vs: "/monaco/vs" } });

export interface CodeEditorProps {
  /**
   * One Monaco model per path, so each document keeps its text and undo history.
   * Give a new path to load new content (e.g. a re-opened file).
   */
  path: string;
  language: string;
  /** Text of a model created for `path`; ignored once that model exists. */
  defaultValue: string;
  /** Uncontrolled on purpose: feeding the text back as a prop races fast typing. */
  onChange(value: string): void;
  /** Ctrl/Cmd+Enter inside the editor. */
  onRun(): void;
  /** Ctrl/Cmd+S inside the editor; absent = the browser's own save. */
  onSave?: () => void;
  readOnly?: boolean;
  /** Shift+Enter inside the editor (notebook cells run with it). */
  onShiftEnter?: () => void;
  /** Grow with the content between these heights (px) instead of filling the parent. */
  autoHeight?: { min: number; max: number };
  testId?: string;
}

export function CodeEditor({ path, language, defaultValue, onChange, onRun, onSave, readOnly, onShiftEnter, autoHeight, testId = "code-editor" }: CodeEditorProps) {
  // Monaco keeps the first callbacks it is given; route them through refs.
  const runRef = useRef(onRun);
  const saveRef = useRef(onSave);
  const shiftEnterRef = useRef(onShiftEnter);
  const containerRef = useRef<HTMLDivElement>(null);
  const [height, setHeight] = useState(autoHeight?.min ?? 0);
  useEffect(() => {
    runRef.current = onRun;
    saveRef.current = onSave;
    shiftEnterRef.current = onShiftEnter;
  }, [onRun, onSave, onShiftEnter]);

  const handleMount: OnMount = (editor, monaco) => {
    // addAction, not addCommand: a command's keybinding is global to the page, so with several
    // editors (notebook cells) the last one created would get every key press.
    editor.addAction({ id: "playground.run", label: "Run", keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter], run: () => runRef.current() });
    editor.addAction({ id: "playground.save", label: "Save", keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS], run: () => saveRef.current?.() });
    if (shiftEnterRef.current)
      editor.addAction({ id: "playground.run-cell", label: "Run cell", keybindings: [monaco.KeyMod.Shift | monaco.KeyCode.Enter], run: () => shiftEnterRef.current?.() });
    if (autoHeight) {
      const fit = () => setHeight(Math.min(autoHeight.max, Math.max(autoHeight.min, editor.getContentHeight())));
      editor.onDidContentSizeChange(fit);
      fit();
    }
    containerRef.current?.setAttribute("data-monaco-ready", "true");
  };

  return (
    <div
      ref={containerRef}
      data-testid={testId}
      data-monaco-ready="false"
      className={autoHeight ? "w-full" : "h-full min-h-[320px]"}
      style={autoHeight ? { height } : undefined}
    >
      <Editor
        path={path}
        language={language}
        defaultValue={defaultValue}
        onChange={(v) => onChange(v ?? "")}
        onMount={handleMount}
        theme="vs-dark"
        // Until Monaco has loaded (a second or more on a cold tab), the code is shown as text.
        loading={
          <pre
            data-testid={`${testId}-placeholder`}
            title="Loading the editor…"
            className="h-full w-full overflow-auto whitespace-pre bg-[#1e1e1e] py-0 pl-[62px] font-mono text-[13px] leading-[19px] text-zinc-300"
          >
            {defaultValue || "Loading editor…"}
          </pre>
        }
        options={{
          readOnly,
          minimap: { enabled: false },
          fontSize: 13,
          scrollBeyondLastLine: false,
          automaticLayout: true,
          tabSize: 4,
          ...(autoHeight ? { scrollbar: { alwaysConsumeMouseWheel: false }, lineNumbersMinChars: 3, overviewRulerLanes: 0 } : {}),
        }}
      />
    </div>
  );
}

/** Monaco language id for a file name. */
export function languageForPath(path: string): string {
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  const byExt: Record<string, string> = {
    py: "python",
    sh: "shell",
    bash: "shell",
    js: "javascript",
    mjs: "javascript",
    ts: "typescript",
    json: "json",
    jsonl: "json",
    md: "markdown",
    yaml: "yaml",
    yml: "yaml",
    c: "c",
    cpp: "cpp",
    rs: "rust",
    go: "go",
    java: "java",
    html: "html",
    css: "css",
    txt: "plaintext",
  };
  return byExt[ext] ?? "plaintext";
}
