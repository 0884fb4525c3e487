import { describe, expect, it } from "vitest";
import type { ToolResult } from "@/lib/sandbox/types";
import { truncationNote } from "./truncation";

const base: ToolResult = { tool_name: "python_executor", status: "success", output: "", duration_ms: 1 };

describe("truncationNote", () => {
  it("says how much of the cut stream was dropped and the limit", () => {
    const r: ToolResult = { ...base, truncated: true, output_bytes: { limit: 1024 * 1024, stdout: 2 * 1024 * 1024 + 1, stderr: 10 } };
    expect(truncationNote(r, "stdout", true)).toBe(
      "… output cut here: 1.0 MiB dropped (2,097,153 bytes written; the limit is 1.0 MiB per stream).",
    );
    expect(truncationNote(r, "stderr", true)).toBeNull();
  });
  it("without counts still marks the last block", () => {
    const r: ToolResult = { ...base, truncated: true };
    expect(truncationNote(r, "stdout", true)).toMatch(/rest was dropped/);
    expect(truncationNote(r, "stdout", false)).toBeNull();
  });
  it("says nothing when nothing was cut", () => {
    expect(truncationNote(base, "stdout", true)).toBeNull();
  });
});
