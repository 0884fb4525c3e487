"use server";

import type { ToolResult } from "@/lib/sandbox/types";
import { clearCellResults, recordCellResult, recordResult, recordRunStart } from "@/lib/workspace/store";
import { runCode, runNotebookCell } from "./actions";
import { notebookCellSchema, runCodeSchema, type NotebookCellInput, type RunCodeInput } from "./schema";
import { z } from "zod";

// The Editor's runs, recorded in the session's workspace on the server as they finish, so a
// reload (even one in the middle of a run) shows the last result and every cell's output.

export async function runCodeRecorded(input: RunCodeInput): Promise<ToolResult> {
  const p = runCodeSchema.safeParse(input);
  const ran = p.success ? { code: p.data.code, tool: p.data.tool, ...(p.data.language ? { language: p.data.language } : {}) } : null;
  if (p.success && ran) await recordRunStart(p.data.sessionId, { ...ran, run_id: p.data.runId });
  let r: ToolResult = { tool_name: input.tool, status: "error", output: "", error: "The run ended on an internal error.", duration_ms: 0 };
  try {
    r = await runCode(input);
  } finally {
    if (p.success) await recordResult(p.data.sessionId, r, ran, p.data.runId);
  }
  return r;
}

const cellRunSchema = notebookCellSchema.extend({ cellKey: z.number().int().nonnegative() });

/** One cell in the session's kernel; its code and output are stored under the cell's key. */
export async function runCellRecorded(input: NotebookCellInput & { cellKey: number }): Promise<ToolResult> {
  const { cellKey, ...cell } = input;
  const r = await runNotebookCell(cell);
  const p = cellRunSchema.safeParse(input);
  if (p.success && p.data.code !== undefined && !p.data.restart) await recordCellResult(p.data.sessionId, { key: cellKey, code: p.data.code }, r);
  return r;
}

export async function restartKernelRecorded(input: NotebookCellInput): Promise<ToolResult> {
  const r = await runNotebookCell({ ...input, restart: true });
  const p = notebookCellSchema.safeParse(input);
  if (p.success && r.status === "success") await clearCellResults(p.data.sessionId);
  return r;
}
