"use client";
import { useMemo, useState } from "react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { branchKindLabel, type BranchKind, type CompactTree, type DriftEvent } from "@/lib/agent/trajectory";

// A session's message tree as rows in depth-first order: a chain stays at one indent, each split
// indents its branches, so a 500-turn session reads top to bottom like the conversation it was.
// One view for both places a tree is shown: the Agents page (a live session, compacted on the
// client) and Inspect's agent tab (an exported Sample, with its own path highlighted).

const MAX_ROWS = 300;

export const branchTone: Record<BranchKind, BadgeTone> = {
  "sub-agent": "blue",
  compaction: "amber",
  "history-fork": "zinc",
  "rewrite-merged": "green",
  "drift-fork": "red",
};

const roleTone = (role: string | null): BadgeTone => (role === "assistant" ? "green" : role === "tool" ? "blue" : role === "system" ? "amber" : "zinc");

interface Row {
  id: number;
  indent: number;
  /** This node opens a branch of its parent's split. */
  branchOf: BranchKind | null;
}

export function TrajectoryTree({ tree, focusLeaf, focusTurns }: { tree: CompactTree; focusLeaf?: number; focusTurns?: (number | null)[] }) {
  const [all, setAll] = useState(false);
  const byId = useMemo(() => new Map(tree.nodes.map((n) => [n.id, n])), [tree]);
  const splitKind = useMemo(() => {
    const m = new Map<number, BranchKind>();
    for (const b of tree.branches) if (b.children) m.set(b.node_id, b.kind);
    return m;
  }, [tree]);
  const rows = useMemo(() => {
    const out: Row[] = [];
    const stack: Row[] = childrenOf(tree, tree.root_id)
      .map((id) => ({ id, indent: 0, branchOf: null as BranchKind | null }))
      .reverse();
    const rootSplit = splitKind.get(tree.root_id) ?? null;
    if (rootSplit) for (const r of stack) r.branchOf = rootSplit;
    while (stack.length) {
      const r = stack.pop()!;
      out.push(r);
      const kids = childrenOf(tree, r.id);
      const split = kids.length > 1 ? (splitKind.get(r.id) ?? "history-fork") : null;
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ id: kids[i]!, indent: r.indent + (split ? 1 : 0), branchOf: split });
    }
    return out;
  }, [tree, splitKind]);
  const onPath = useMemo(() => {
    const s = new Set<number>();
    for (let id: number | null | undefined = focusLeaf; id !== undefined && id !== null; id = byId.get(id)?.parent_id) s.add(id);
    return s;
  }, [focusLeaf, byId]);
  const drifts = useMemo(() => {
    const m = new Map<number, DriftEvent[]>();
    const add = (d: DriftEvent) => d.node_id !== null && m.set(d.node_id, [...(m.get(d.node_id) ?? []), d]);
    for (const b of tree.branches) if (b.drift) add(b.drift);
    tree.heals.forEach(add);
    return m;
  }, [tree]);
  const shown = all ? rows : rows.slice(0, MAX_ROWS);
  const counts = tree.branches.reduce<Partial<Record<BranchKind, number>>>((a, b) => ({ ...a, [b.kind]: (a[b.kind] ?? 0) + 1 }), {});

  return (
    <div data-testid="trajectory-tree" className="flex min-w-0 flex-col gap-2 text-xs">
      <div className="flex flex-wrap items-center gap-2 text-zinc-600">
        <span>
          {tree.turn_count} turn{tree.turn_count === 1 ? "" : "s"}, {tree.leaves.length} lea{tree.leaves.length === 1 ? "f" : "ves"}, fork threshold {tree.fork_threshold} tokens
        </span>
        {(Object.keys(counts) as BranchKind[]).map((k) => (
          <Badge key={k} tone={branchTone[k]} data-testid={`branch-count-${k}`}>
            {branchKindLabel[k]} ×{counts[k]}
          </Badge>
        ))}
        {tree.heals.length > 0 && <Badge tone="zinc">healed drift ×{tree.heals.length}</Badge>}
      </div>
      <ol className="flex min-w-0 flex-col">
        {shown.map((r) => {
          const n = byId.get(r.id)!;
          const focused = onPath.has(n.id);
          const inSegment = focused && n.generated && focusTurns?.includes(n.turn_index);
          return (
            <li
              key={n.id}
              data-testid={`tree-node-${n.id}`}
              data-role={n.role ?? undefined}
              data-focused={focused ? "true" : undefined}
              className={cn("flex min-w-0 items-baseline gap-1.5 border-l-2 py-0.5 pr-1", focused ? "border-indigo-400 bg-indigo-50/60" : "border-transparent", inSegment && "bg-indigo-100")}
              style={{ paddingLeft: `${0.25 + r.indent * 1.25}rem` }}
            >
              {r.branchOf && (
                <span className="shrink-0 text-zinc-400" title={`a branch of a ${branchKindLabel[r.branchOf]}`}>
                  ├
                </span>
              )}
              <Badge tone={roleTone(n.role)} className="shrink-0 px-1 py-0 text-[10px]">
                {n.role ?? "?"}
              </Badge>
              {n.generated && <span className="shrink-0 font-semibold text-green-800">turn {n.turn_index}</span>}
              <span className="min-w-0 truncate text-zinc-800" title={n.preview}>
                {n.preview || <span className="text-zinc-400">(empty)</span>}
              </span>
              <span className="ml-auto flex shrink-0 flex-wrap items-center gap-1">
                {n.turn && (
                  <span className="text-zinc-500" title={`prompt ${n.turn.prompt_len} tokens, output ${n.turn.output_len} tokens`}>
                    {n.turn.output_len} tok{n.turn.finish_reason !== "stop" && n.turn.finish_reason !== "tool_calls" ? ` · ${n.turn.finish_reason}` : ""}
                    {!n.turn.has_logprobs && " · no logprobs"}
                  </span>
                )}
                {n.turn?.ill_formed && <Badge tone="red">ill-formed</Badge>}
                {n.trained_in.length > 0 && <span className="text-green-700">trains in #{n.trained_in.join(", #")}</span>}
                {n.context_in.length > 0 && <span className="text-amber-700">context in #{n.context_in.join(", #")}</span>}
                {n.generated && n.trained_in.length === 0 && n.context_in.length === 0 && (
                  <span className="text-zinc-500" data-testid="trains-nowhere" title="no Sample trains this response: a later prompt re-tokenized it differently (healed as context), or its segment had nothing to train">
                    trains nowhere
                  </span>
                )}
                {n.merged_rewrite && (
                  <Badge tone={branchTone["rewrite-merged"]} title="a later prompt replayed this turn re-rendered; the replay replaced it and it no longer trains">
                    rewrite merged (turn {n.merged_rewrite.abandoned_turn_index ?? "?"}, {n.merged_rewrite.abandoned_response_tokens} tok)
                  </Badge>
                )}
                {(drifts.get(n.id) ?? []).map((d) => (
                  <Badge
                    key={d.kind}
                    tone={d.kind === "fork" ? "red" : "zinc"}
                    data-testid={`drift-${d.kind}`}
                    title={d.kind === "fork" ? "the prompt left the held tokens too early or this output was too long to heal: a new Sample starts here" : "a short divergence inside the previous response: that span was re-taken from the prompt as context"}
                  >
                    {d.kind === "fork" ? "drift fork" : "healed"} at token {d.at} of {d.held}
                  </Badge>
                ))}
              </span>
            </li>
          );
        })}
      </ol>
      {rows.length > shown.length && (
        <button type="button" data-testid="tree-show-all" className="self-start rounded border border-zinc-300 px-2 py-0.5 text-indigo-700" onClick={() => setAll(true)}>
          show all {rows.length} messages
        </button>
      )}
      <p className="text-[11px] text-zinc-500">
        Splits are named by where they happen: at the root (another system prompt) a sub-agent, right under the system prompt a compaction, deeper a
        history fork. slime itself keeps no such labels.
      </p>
    </div>
  );
}

function childrenOf(tree: CompactTree, id: number): number[] {
  // CompactTree keeps parent links only; children are in insertion (= id) order.
  return childIndex(tree).get(id) ?? [];
}

const cache = new WeakMap<CompactTree, Map<number, number[]>>();
function childIndex(tree: CompactTree): Map<number, number[]> {
  let m = cache.get(tree);
  if (!m) {
    m = new Map();
    for (const n of tree.nodes) {
      if (n.parent_id === null) continue;
      const kids = m.get(n.parent_id);
      if (kids) kids.push(n.id);
      else m.set(n.parent_id, [n.id]);
    }
    cache.set(tree, m);
  }
  return m;
}
