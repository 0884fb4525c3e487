"use server";

import type { ToolResult } from "@/lib/sandbox/types";
import { recordLiveOutput, withWholeOutput } from "@/lib/sandbox/live-output";
import { runTool } from "@/lib/sandbox/sessions";
import { editorSandboxConfig } from "@/lib/workspace/editor-sandbox";
import { editorToolNames } from "@/lib/workspace/schema";
import {
  fileOpSchema,
  notebookCellSchema,
  runCodeSchema,
  type FileOpInput,
  type NotebookCellInput,
  type RunCodeInput,
} from "./schema";


// Server actions of the Editor. They never throw: bad input and sandbox failures
// come back as an error ToolResult for the panel to show.

function badInput(tool: string, message: string): ToolResult {
  return { tool_name: tool, status: "error", output: "", error: `bad_request: ${message}`, duration_ms: 0 };
}

export async function runCode(input: RunCodeInput): Promise<ToolResult> {
  const parsed = runCodeSchema.safeParse(input);
  if (!parsed.success) return badInput("run", parsed.error.issues.map((i) => i.message).join("; "));
  const { sessionId, backend, tool, code, runId, language } = parsed.data;
  const toolName = editorToolNames[tool];
  const args =
    tool === "shell" ? { command: code } : tool === "code" ? { language: language ?? "python", code } : { code };
  // Recorded as it is written: the page shows it live, and the whole of it stays downloadable.
  const onOutput = recordLiveOutput(runId);
  return withWholeOutput(runId, await runTool({ sessionId, backend, tool: toolName, args, runId, config: editorSandboxConfig, onOutput }));
}

/** One notebook cell (or a kernel restart) in the session's Jupyter kernel. */
export async function runNotebookCell(input: NotebookCellInput): Promise<ToolResult> {
  const parsed = notebookCellSchema.safeParse(input);
  if (!parsed.success) return badInput("notebook_executor", parsed.error.issues.map((i) => i.message).join("; "));
  const { sessionId, backend, code, restart, runId } = parsed.data;
  const args = { ...(code !== undefined ? { code } : {}), ...(restart ? { restart: true } : {}) };
  return runTool({ sessionId, backend, tool: "notebook_executor", args, runId, config: editorSandboxConfig });
}

export async function fileOperation(input: FileOpInput): Promise<ToolResult> {
  const parsed = fileOpSchema.safeParse(input);
  if (!parsed.success) return badInput("file_operation", parsed.error.issues.map((i) => i.message).join("; "));
  const { sessionId, backend, ...args } = parsed.data;
  return runTool({ sessionId, backend, tool: "file_operation", args, config: editorSandboxConfig });
}
