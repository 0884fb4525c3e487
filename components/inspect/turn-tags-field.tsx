"use client";
import { useEffect, useState } from "react";
import { parseTurnTags } from "@/lib/data/segments";

/**
 * The tag pair that splits responses into turns when they are not ReTool's (kept in the URL as
 * `tags`): "action/observation[/answer]", e.g. "tool/result/final". Empty: ReTool's tags, or
 * search-r1's when a response uses them.
 */
export function TurnTagsField({ value, onChange }: { value: string | null; onChange: (v: string | null) => void }) {
  const [text, setText] = useState(value ?? "");
  useEffect(() => setText(value ?? ""), [value]);
  const bad = text.trim() !== "" && parseTurnTags(text) === null;
  return (
    <form
      className="flex items-center gap-1"
      onSubmit={(e) => {
        e.preventDefault();
        if (!bad) onChange(text.trim() || null);
      }}
    >
      <label htmlFor="turn-tags" title="Tags that split a response into turns, when they are not ReTool's: action/observation[/answer]">
        turn tags
      </label>
      <input
        id="turn-tags"
        data-testid="turn-tags"
        className={`w-56 rounded border px-1 py-0 font-mono text-[11px] ${bad ? "border-red-400" : "border-zinc-300"}`}
        placeholder="auto (ReTool, search-r1) · e.g. tool/result/final"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          if (!bad && (text.trim() || null) !== value) onChange(text.trim() || null);
        }}
        aria-invalid={bad}
      />
      {bad && <span className="text-red-700" data-testid="turn-tags-error">use action/observation or action/observation/answer (tag names only)</span>}
    </form>
  );
}
