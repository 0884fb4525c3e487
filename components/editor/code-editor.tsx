"use client";

import { useEffect, useRef } from "react";
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
}

export function CodeEditor({ path, language, defaultValue, onChange, onRun, onSave, readOnly }: CodeEditorProps) {
  // Monaco keeps the first callbacks it is given; route them through refs.
  const runRef = useRef(onRun);
  const saveRef = useRef(onSave);
  const containerRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    runRef.current = onRun;
    saveRef.current = onSave;
  }, [onRun, onSave]);

  const handleMount: OnMount = (editor, monaco) => {
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => runRef.current());
    editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => saveRef.current?.());
    containerRef.current?.setAttribute("data-monaco-ready", "true");
  };

  return (
    <div ref={containerRef} data-testid="code-editor" data-monaco-ready="false" className="h-full min-h-[320px]">
      <Editor
        path={path}
        language={language}
        defaultValue={defaultValue}
        onChange={(v) => onChange(v ?? "")}
        onMount={handleMount}
        theme="vs-dark"
        loading={<div className="p-3 text-sm text-zinc-400">Loading editor…</div>}
        options={{
          readOnly,
          minimap: { enabled: false },
          fontSize: 13,
          scrollBeyondLastLine: false,
          automaticLayout: true,
          tabSize: 4,
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
