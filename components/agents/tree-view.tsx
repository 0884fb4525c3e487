"use client";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { branchKindLabel, type TrajectoryTreeView, type TreeNodeView } from "@/lib/agent/trajectory";

// The session's message tree as slime's TrajectoryManager routes it: one node per message, where
// it branched (sub-agent, compaction, history fork, merged rewrite, drift fork), and which Samples
// train each generated turn.

const SHOWN = 400;

function text(n: TreeNodeView): string {
  const m = n.message as { content?: unknown; tool_calls?: { function?: { name?: string } }[] } | null;
  if (!m) return "(empty)";
  const c = typeof m.content === "string" ? m.content : JSON.stringify(m.content ?? "");
  const calls = (m.tool_calls ?? []).map((t) => `${t.function?.name ?? "tool"}(…)`).join(" ");
  const s = `${c}${calls ? ` ${calls}` : ""}`.replace(/\s+/g, " ").trim();
  return s.length > 140 ? `${s.slice(0, 140)}…` : s || "(empty)";
}

export function TreeView({ tree }: { tree: TrajectoryTreeView | null }) {
  const [all, setAll] = useState(false);
  if (!tree) return <p className="text-xs text-zinc-500">No recorded turns yet.</p>;
  const byId = new Map(tree.nodes.map((n) => [n.id, n]));
  const branchAt = new Map<number, string[]>();
  for (const b of tree.branches) branchAt.set(b.node_id, [...(branchAt.get(b.node_id) ?? []), branchKindLabel[b.kind]]);
  // Depth-first from the root, so a branch's children sit under it.
  const rows: { n: TreeNodeView; depth: number }[] = [];
  const stack: { id: number; depth: number }[] = [{ id: tree.root_id, depth: 0 }];
  while (stack.length) {
    const { id, depth } = stack.pop()!;
    const n = byId.get(id);
    if (!n) continue;
    if (id !== tree.root_id) rows.push({ n, depth });
    for (let i = n.children.length - 1; i >= 0; i--) stack.push({ id: n.children[i]!, depth: id === tree.root_id ? 0 : depth + 1 });
  }
  const shown = all ? rows : rows.slice(0, SHOWN);
  return (
    <div className="flex flex-col gap-1 text-xs" data-testid="agent-tree">
      <p className="text-zinc-600">
        {tree.turn_count} turns · {tree.leaves.length} leaves · {tree.branches.length} branch points · {tree.heals.length} drifts healed · fork threshold {tree.fork_threshold} tokens
      </p>
      {tree.branches.length > 0 && (
        <ul className="flex flex-wrap gap-1" data-testid="agent-tree-branches">
          {tree.branches.map((b, i) => (
            <li key={i}>
              <Badge tone={b.kind === "drift-fork" ? "red" : "amber"} data-testid="agent-branch" data-kind={b.kind}>
                {branchKindLabel[b.kind]} at node {b.node_id}
                {b.drift ? ` (boundary ${b.drift.at}/${b.drift.held})` : ""}
              </Badge>
            </li>
          ))}
        </ul>
      )}
      <ul className="flex flex-col">
        {shown.map(({ n, depth }) => (
          <li key={n.id} className="flex items-baseline gap-1 font-mono" style={{ paddingLeft: `${Math.min(depth, 40) * 6}px` }} data-testid="agent-tree-node" data-role={String(n.role)}>
            <span className="text-zinc-400">#{n.id}</span>
            <span className="font-semibold text-zinc-700">{String(n.role ?? "")}</span>
            {n.generated && <Badge tone="green">turn {n.turn_index}</Badge>}
            {n.merged_rewrite && <Badge tone="amber">rewrite merged</Badge>}
            {(branchAt.get(n.id) ?? []).map((l) => (
              <Badge key={l} tone="amber">
                {l}
              </Badge>
            ))}
            {n.trained_in.length > 0 && <span className="text-green-800">trained in Sample {n.trained_in.join(", ")}</span>}
            {n.context_in.length > 0 && <span className="text-amber-800">context in {n.context_in.join(", ")}</span>}
            <span className="min-w-0 truncate font-sans text-zinc-700">{text(n)}</span>
          </li>
        ))}
      </ul>
      {rows.length > shown.length && (
        <button className="self-start text-indigo-700 underline" onClick={() => setAll(true)}>
          show all {rows.length} nodes
        </button>
      )}
    </div>
  );
}
