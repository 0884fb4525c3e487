"use client";

import { useRef } from "react";
import type { EditorTool } from "@/lib/workspace/schema";
import { languageStarters } from "./language-picker";

export const starterCode: Record<"python" | "shell", string> = {
  python: 'import sys\nprint("hello from", sys.version.split()[0])\n',
  shell: 'echo "hello from $(uname -s)"; ls -la\n',
};

export interface ScratchText {
  python: string;
  shell: string;
  /** Code mode: one buffer per language. */
  code: Record<string, string>;
}

/**
 * The scratch buffers (not files): Python, shell, and one per Code-mode language. Kept in a ref,
 * updated synchronously by Monaco's change events, so a Run right after a keystroke never sees a stale buffer.
 */
export function useScratchBuffers(initial?: Partial<ScratchText>) {
  const text = useRef<ScratchText>({ ...starterCode, code: {}, ...initial });
  const get = (tool: EditorTool, language: string): string =>
    tool === "code" ? (text.current.code[language] ?? languageStarters[language] ?? "") : tool === "notebook" ? "" : text.current[tool];
  const set = (tool: EditorTool, language: string, value: string) => {
    if (tool === "code") text.current.code[language] = value;
    else if (tool !== "notebook") text.current[tool] = value;
  };
  return { text, get, set };
}
