// Markdown code fences inside a code cell (ReTool's <code>```python … ```</code>). slime's
// tool_sandbox runs a cell's text as it is, fences included (Python then reports a SyntaxError);
// SandboxFusion-style servers take the code out of the fences first. Re-execute offers both.

export const fenceModes = ["as-written", "strip"] as const;
export type FenceMode = (typeof fenceModes)[number];

const FENCE_BLOCK = /```[^\n`]*\n([\s\S]*?)\n?```/g;

/** True when the cell holds at least one complete ``` fenced block. */
export function hasCodeFence(code: string): boolean {
  return new RegExp(FENCE_BLOCK.source).test(code);
}

/** The code inside the fences (several blocks joined by a newline); text without fences is unchanged. */
export function stripCodeFences(code: string): string {
  const blocks = [...code.matchAll(FENCE_BLOCK)].map((m) => m[1] ?? "");
  return blocks.length ? blocks.join("\n") : code;
}
