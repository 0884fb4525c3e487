"use client";
import { useEffect, useMemo, useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { diffLines, sideBySide } from "@/lib/data/diff";
import type { RowQuery } from "@/lib/data/query";
import type { NormalizedSample } from "@/lib/data/types";
import { api } from "./api";

const LINE_CUT = 5000;

/** Two samples' responses side by side, line by line. */
export function DiffView({ datasetId, query, left, right, onPickRight, onClose }: { datasetId: string; query: RowQuery; left: NormalizedSample; right: number | null; onPickRight: (row: number) => void; onClose: () => void }) {
  const [other, setOther] = useState<NormalizedSample | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [input, setInput] = useState(right === null ? "" : String(right));
  useEffect(() => {
    if (right === null) return;
    let live = true;
    void api.sample(datasetId, right, query).then((r) => {
      if (!live) return;
      if (r.ok) {
        setOther(r.value.sample);
        setError(null);
      } else setError(r.error.message);
    });
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [datasetId, right]);
  const rows = useMemo(() => (other ? sideBySide(diffLines(left.response, other.response)) : []), [left.response, other]);
  const changed = rows.filter((r) => r.left?.op !== "equal").length;
  // A 300 kB line would fill the pane with one run of characters: cut it, and say so.
  const cut = (t: string | undefined) => (t === undefined ? "" : t.length > LINE_CUT ? `${t.slice(0, LINE_CUT)} … (${(t.length - LINE_CUT).toLocaleString()} more characters)` : t);
  return (
    <div data-testid="diff-view" className="flex min-h-0 flex-1 flex-col">
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 bg-white px-4 py-2 text-sm">
        <span className="font-semibold">Diff</span>
        <span>row {left.row} (reward {left.reward ?? "—"})</span>
        <span>vs row</span>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const n = Number(input);
            if (Number.isInteger(n) && n >= 0) onPickRight(n);
          }}
          className="flex items-center gap-1"
        >
          <input data-testid="diff-other" className="w-20 rounded border border-zinc-300 px-2 py-1 text-xs" value={input} onChange={(e) => setInput(e.target.value)} />
          <Button size="sm" type="submit">Compare</Button>
        </form>
        {other && <span>(reward {other.reward ?? "—"}) · {changed} changed lines</span>}
        <Button size="sm" className="ml-auto" onClick={onClose} data-testid="close-diff">Back to sample</Button>
      </div>
      {error && <p className="p-4 text-sm text-red-700">{error}</p>}
      {right === null && <p className="p-4 text-sm text-zinc-500">Pick a row to compare with.</p>}
      <div className="min-h-0 flex-1 overflow-auto bg-white font-mono text-xs">
        <table className="w-full table-fixed border-collapse">
          <tbody>
            {rows.map((r, i) => (
              <tr key={i} data-testid={r.left?.op === "equal" ? undefined : "diff-change"}>
                <td className="w-10 select-none border-r border-zinc-100 px-1 text-right text-zinc-400">{r.left?.a !== undefined ? r.left.a + 1 : ""}</td>
                <td className={cn("whitespace-pre-wrap break-all px-2", r.left?.op === "delete" && "bg-red-50 text-red-900", !r.left && "bg-zinc-50")}>{cut(r.left?.text)}</td>
                <td className="w-10 select-none border-x border-zinc-100 px-1 text-right text-zinc-400">{r.right?.b !== undefined ? r.right.b + 1 : ""}</td>
                <td className={cn("whitespace-pre-wrap break-all px-2", r.right?.op === "insert" && "bg-green-50 text-green-900", !r.right && "bg-zinc-50")}>{cut(r.right?.text)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
