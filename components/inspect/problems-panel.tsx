"use client";
import { useEffect, useState } from "react";
import type { DatasetInfo, Problem } from "@/lib/data/types";
import { api } from "./api";

/** Input defects with their line numbers; clicking one opens the row. */
export function ProblemsPanel({ info, onOpen }: { info: DatasetInfo; onOpen: (row: number) => void }) {
  const [list, setList] = useState<Problem[] | null>(null);
  const [kept, setKept] = useState(0);
  useEffect(() => {
    void api.problems(info.id).then((r) => {
      if (r.ok) {
        setList(r.value.problems);
        setKept(r.value.kept);
      }
    });
  }, [info.id, info.problems]);
  return (
    <div data-testid="problems-panel" className="flex flex-col gap-2 p-4 text-sm">
      <h3 className="font-semibold">Problems in the input ({info.problems.toLocaleString()})</h3>
      <p className="text-xs text-zinc-600">
        {Object.entries(info.problem_counts).map(([k, n]) => `${k.replace(/_/g, " ")}: ${n}`).join(" · ") || "none"}
        {info.problems > kept ? ` — the first ${kept} are listed` : ""}. Every other record loaded normally.
      </p>
      <ul className="divide-y divide-zinc-100 font-mono text-xs">
        {list?.map((p, i) => (
          <li key={i}>
            <button data-testid={`problem-line-${p.line}`} className="w-full px-1 py-1 text-left hover:bg-zinc-50" onClick={() => onOpen(p.row)}>
              <span className="text-zinc-500">line {p.line}</span> <span className="text-red-800">{p.kind}</span> {p.message}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
