"use client";

import { useState } from "react";
import type { ToolCallRecord } from "@/lib/rollout/transcript";
import type { ToolResult } from "@/lib/sandbox/types";
import { ToolResultPanel } from "@/components/tool-result/tool-result-panel";
import { Button } from "@/components/ui/button";
import { CodeBlock } from "./code-block";

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
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(call.code);
  return (
    <div data-testid="tool-call" className="flex flex-col gap-2 rounded-lg border border-indigo-200 bg-indigo-50/40 p-3">
      <header className="flex items-center gap-2 text-xs">
        <span className="font-mono font-semibold text-indigo-900">{call.name}</span>
        <span className="text-zinc-500">tool call</span>
        {canEdit && !editing && (
          <Button size="sm" variant="ghost" className="ml-auto" data-testid="tool-code-edit" onClick={() => { setDraft(call.code); setEditing(true); }}>
            Edit code
          </Button>
        )}
      </header>
      {editing ? (
        <div className="flex flex-col gap-2">
          <textarea
            data-testid="tool-code-textarea"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            spellCheck={false}
            rows={Math.min(20, Math.max(3, draft.split("\n").length + 1))}
            className="w-full rounded-md border border-zinc-300 bg-white p-2 font-mono text-xs"
          />
          <div className="flex gap-2">
            <Button
              size="sm"
              variant="primary"
              data-testid="tool-code-rerun"
              disabled={!draft.trim()}
              onClick={() => {
                setEditing(false);
                onRerun?.(draft);
              }}
            >
              Re-run from here
            </Button>
            <Button size="sm" onClick={() => setEditing(false)}>
              Cancel
            </Button>
          </div>
        </div>
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
