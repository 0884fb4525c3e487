// The tree as the Agents page and Inspect show it: plain, JSON-safe nodes and labelled branch
// points. slime keeps no such labels; where a tree branched is read off its shape (see README).
import type { DriftEvent } from "./builder";
import type { LinearizeResult } from "./linearize";
import type { ChatMessage } from "./schema";
import type { MessageNode, MergedRewrite, SessionTree } from "./tree";

export const branchKinds = ["sub-agent", "compaction", "history-fork", "rewrite-merged", "drift-fork"] as const;
export type BranchKind = (typeof branchKinds)[number];
export const branchKindLabel: Record<BranchKind, string> = {
  "sub-agent": "sub-agent",
  compaction: "compaction",
  "history-fork": "history fork",
  "rewrite-merged": "rewrite merged",
  "drift-fork": "drift fork",
};

export interface TreeNodeView {
  id: number;
  parent_id: number | null;
  role: unknown;
  message: ChatMessage | null;
  /** A turn the model generated (it trains); false for prompt messages and foreign/merged assistants. */
  generated: boolean;
  turn_index: number | null;
  metadata: Record<string, unknown>;
  merged_rewrite: MergedRewrite | null;
  children: number[];
  turn: { prompt_len: number; output_len: number; finish_reason: string; ill_formed: boolean; has_logprobs: boolean } | null;
  /** Indices into `samples` where this generated turn trains (loss 1) / is re-emitted (loss 0). */
  trained_in: number[];
  context_in: number[];
}

export interface BranchPoint {
  kind: BranchKind;
  /** The node the branch hangs off (sub-agent/compaction/history fork), or the node it concerns. */
  node_id: number;
  /** The diverging children, for a message-tree branch. */
  children?: number[];
  merged_rewrite?: MergedRewrite;
  drift?: DriftEvent;
}

export interface TrajectoryTreeView {
  root_id: number;
  nodes: TreeNodeView[];
  leaves: number[];
  branches: BranchPoint[];
  /** REALIGNs: drifts healed in place (not branches). */
  heals: DriftEvent[];
  turn_count: number;
  fork_threshold: number;
}

/** Where a message tree split, by its shape: a new root message is another agent (a sub-agent's
 *  own system prompt); a split right under the system prompt(s) is a new conversation on the same
 *  agent (compaction restarts from a summary); anything deeper is a history fork. */
export function classifyBranch(node: MessageNode): BranchKind {
  if (node.isRoot) return "sub-agent";
  for (let n: MessageNode | null = node; n && !n.isRoot; n = n.parent) if (n.role !== "system") return "history-fork";
  return "compaction";
}

export function buildTreeView(tree: SessionTree, result: LinearizeResult): TrajectoryTreeView {
  const nodes: TreeNodeView[] = [];
  const byId = new Map<number, TreeNodeView>();
  const branches: BranchPoint[] = [];
  const stack: MessageNode[] = [tree.root];
  while (stack.length) {
    const n = stack.pop()!;
    const v: TreeNodeView = {
      id: n.id,
      parent_id: n.parent?.id ?? null,
      role: n.role,
      message: n.message,
      generated: n.turn !== null,
      turn_index: n.turnIndex,
      metadata: n.metadata,
      merged_rewrite: n.mergedRewrite,
      children: n.children.map((c) => c.id),
      turn: n.turn && {
        prompt_len: n.turn.prompt_ids.length,
        output_len: n.turn.output_ids.length,
        finish_reason: n.turn.finish_reason,
        ill_formed: n.turn.ill_formed,
        has_logprobs: n.turn.output_log_probs.length > 0,
      },
      trained_in: [],
      context_in: [],
    };
    nodes.push(v);
    byId.set(n.id, v);
    if (n.children.length > 1) branches.push({ kind: classifyBranch(n), node_id: n.id, children: v.children });
    if (n.mergedRewrite) branches.push({ kind: "rewrite-merged", node_id: n.id, merged_rewrite: n.mergedRewrite });
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  for (const d of result.drifts) if (d.kind === "fork" && d.node_id !== null) branches.push({ kind: "drift-fork", node_id: d.node_id, drift: d });
  result.samples.forEach((s, i) => {
    for (const span of s.spans) {
      if (span.node_id === null || (span.kind !== "trained" && span.kind !== "context")) continue;
      const list = byId.get(span.node_id)?.[span.kind === "trained" ? "trained_in" : "context_in"];
      if (list && list[list.length - 1] !== i) list.push(i);
    }
  });
  return {
    root_id: tree.root.id,
    nodes,
    leaves: tree.root.leaves().filter((l) => !l.isRoot).map((l) => l.id),
    branches,
    heals: result.drifts.filter((d) => d.kind === "realign"),
    turn_count: tree.turnCount,
    fork_threshold: tree.forkThreshold,
  };
}
