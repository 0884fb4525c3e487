"use client";
import { MaskSpans } from "@/components/agents/mask-spans";
import { TrajectoryTree } from "@/components/agents/trajectory-tree";
import type { NormalizedSample } from "@/lib/data/types";

/** An agent session's Sample: where it sits in the session's tree, and why each token is masked. */
export function AgentTrajectoryPanel({ sample, pieces }: { sample: NormalizedSample; pieces: string[] | null }) {
  const a = sample.agent_trajectory;
  if (!a) return null;
  return (
    <div data-testid="agent-panel" className="flex min-w-0 flex-col gap-4">
      <section className="flex min-w-0 flex-col gap-1">
        <h3 className="text-xs font-semibold uppercase text-zinc-500">
          Sample #{a.sample} of {a.samples} of session <span className="font-mono normal-case">{a.session_id}</span>
          {a.segment > 0 ? ` · segment ${a.segment + 1} of its leaf (after a drift fork)` : ""}
        </h3>
        <TrajectoryTree tree={a.tree} focusLeaf={a.leaf_node_id} focusTurns={a.turn_indices} />
      </section>
      <section className="flex min-w-0 flex-col gap-1">
        <h3 className="text-xs font-semibold uppercase text-zinc-500">Each token&apos;s loss mask, explained</h3>
        <MaskSpans spans={a.spans} tokens={sample.tokens ?? []} pieces={pieces} forkedBy={a.forked_by} realigns={a.realigns} />
      </section>
    </div>
  );
}
