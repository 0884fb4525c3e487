"use client";

import type { ToolCallRecord } from "@/lib/rollout/transcript";
import type { ToolResult } from "@/lib/sandbox/types";
import { ToolResultPanel } from "@/components/tool-result/tool-result-panel";
import { CodeBlock } from "./code-block";
import { EditButton, RerunEditor, useRerunEdit } from "./rerun-editor";

/** code_interpreter's stdout is its wrapper printing the output text again: show it once. */
function withoutEchoedStdout(r: ToolResult): ToolResult {
  if (r.stdout !== undefined && r.stdout.trim() === r.output.trim() && !r.stderr) {
    const { stdout: _echo, ...rest } = r;
    return rest;
  }
  return r;
}

export interface ToolCallCardProps {
  call: ToolCallRecord;
  /** The rollout is still waiting for this call's result. */
  pending: boolean;
  canEdit: boolean;
  onRerun?: (code: string) => void;
  original?: ToolCallRecord;
}

/** One code_interpreter call: the code, its ToolResult, and an editor to change the code and re-run. */
export function ToolCallCard({ call, pending, canEdit, onRerun, original }: ToolCallCardProps) {
  const edit = useRerunEdit();
  return (
    <div data-testid="tool-call" className="flex flex-col gap-2 rounded-lg border border-indigo-200 bg-indigo-50/40 p-3">
      <header className="flex items-center gap-2 text-xs">
        <span className="font-mono font-semibold text-indigo-900">{call.name}</span>
        <span className="text-zinc-500">tool call</span>
        {canEdit && <EditButton edit={edit} text={call.code} label="Edit code" testId="tool-code-edit" />}
      </header>
      {edit.editing ? (
        <RerunEditor edit={edit} onRerun={(code) => onRerun?.(code)} testIds={{ textarea: "tool-code-textarea", rerun: "tool-code-rerun" }} rows={[3, 20]} requireText />
      ) : call.code ? (
        <CodeBlock code={call.code} testId="tool-call-code" />
      ) : (
        <pre data-testid="tool-call-code" className="rounded bg-zinc-50 p-2 font-mono text-xs">
          {call.arguments ?? ""}
        </pre>
      )}
      <ToolResultPanel result={call.result ? withoutEchoedStdout(call.result) : null} running={pending && !call.result} testId="tool-call-result" />
      {original && original.code !== call.code && (
        <details className="text-xs" data-testid="tool-call-original">
          <summary className="cursor-pointer text-zinc-500">Original code and result</summary>
          <CodeBlock code={original.code} className="mt-1" />
          {original.result && (
            <pre className="mt-1 whitespace-pre-wrap rounded bg-zinc-100 p-2 font-mono">{original.result.output}</pre>
          )}
        </details>
      )}
    </div>
  );
}
