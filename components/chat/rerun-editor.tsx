"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

// Edit in place, then re-run the rollout from that point: a turn's text (turn-view.tsx) and a
// tool call's code (tool-call-card.tsx) are edited the same way.

/** An in-place edit: `draft` is null while the text is only shown. */
export function useRerunEdit() {
  const [draft, setDraft] = useState<string | null>(null);
  return { draft, editing: draft !== null, start: (text: string) => setDraft(text), change: setDraft, stop: () => setDraft(null) };
}
export type RerunEdit = ReturnType<typeof useRerunEdit>;

export function EditButton({ edit, text, label, testId }: { edit: RerunEdit; text: string; label: string; testId: string }) {
  if (edit.editing) return null;
  return (
    <Button size="sm" variant="ghost" className="ml-auto" data-testid={testId} onClick={() => edit.start(text)}>
      {label}
    </Button>
  );
}

export interface RerunEditorProps {
  edit: RerunEdit;
  onRerun: (text: string) => void;
  /** data-testid of the textarea and of the re-run button. */
  testIds: { textarea: string; rerun: string };
  /** The textarea grows with the text between these line counts. */
  rows: [min: number, max: number];
  /** Re-running needs some non-blank text (code: an empty call has nothing to run). */
  requireText?: boolean;
}

/** The textarea with "Re-run from here" and "Cancel"; nothing while not editing. */
export function RerunEditor({ edit, onRerun, testIds, rows: [min, max], requireText }: RerunEditorProps) {
  const draft = edit.draft;
  if (draft === null) return null;
  return (
    <div className="flex flex-col gap-2">
      <textarea
        data-testid={testIds.textarea}
        value={draft}
        onChange={(e) => edit.change(e.target.value)}
        spellCheck={false}
        rows={Math.min(max, Math.max(min, draft.split("\n").length + 1))}
        className="w-full rounded-md border border-zinc-300 bg-white p-2 font-mono text-xs"
      />
      <div className="flex gap-2">
        <Button
          size="sm"
          variant="primary"
          data-testid={testIds.rerun}
          disabled={requireText && !draft.trim()}
          onClick={() => {
            edit.stop();
            onRerun(draft);
          }}
        >
          Re-run from here
        </Button>
        <Button size="sm" onClick={edit.stop}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
