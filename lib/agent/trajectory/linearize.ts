// get_trajectory's linearization: every leaf's chain becomes one Sample per builder that trains
// something. Pure over the tree: the "already trained" set is local, so a preview of a live
// session and the final get_trajectory agree, and previewing changes nothing.
import { pyTruthy } from "@/lib/pycompat/equal";
import { SampleBuilder, type DriftEvent, type DriftKind, type TokenSpan, type TurnSource } from "./builder";
import type { BaseSample, Reward, TrajectorySample } from "./schema";
import type { MessageNode, SessionTree } from "./tree";

export interface LinearizeOptions {
  baseSample: BaseSample;
  reward?: Reward;
  extraMetadata?: Record<string, unknown> | null;
  maxSampleTokens?: number;
}

/** One emitted Sample with where it came from and why each token is masked the way it is. */
export interface ExplainedSample {
  sample: TrajectorySample;
  /** The routing leaf whose chain produced it, and which builder of that chain (0 = first). */
  leaf_node_id: number;
  segment: number;
  /** Generated turns packed into this Sample, in order. */
  turn_indices: (number | null)[];
  /** Token provenance over `sample.tokens` (cut at `max_sample_tokens` like the tokens). */
  spans: TokenSpan[];
  /** The FORK that opened this segment (a drift too large or too early to heal), if any. */
  forked_by: DriftEvent | null;
  /** REALIGNs healed inside this segment. */
  realigns: DriftEvent[];
}

export interface LinearizeResult {
  samples: ExplainedSample[];
  /** Every FORK and REALIGN met on any chain, once per turn (dropped segments included). */
  drifts: DriftEvent[];
}

export function linearize(tree: SessionTree, opts: LinearizeOptions): LinearizeResult {
  const claimed = new Set<MessageNode>();
  // A turn's drift class depends only on the tokens of the turns above it, the same for every leaf
  // below it: classify each node once, not once per leaf (trained-or-not changes masks, not tokens).
  const classified = new Map<MessageNode, { kind: DriftKind; at: number }>();
  const samples: ExplainedSample[] = [];
  const drifts = new Map<string, DriftEvent>();
  for (const leaf of tree.root.leaves()) {
    if (leaf.isRoot) continue;
    const builders = splitIntoBuilders(leaf.pathFromRoot(), tree.forkThreshold, claimed, classified);
    for (const b of builders) {
      for (const d of b.openedBy ? [b.openedBy, ...b.realigns] : b.realigns) drifts.set(`${d.kind}:${d.node_id}`, d);
    }
    samples.push(...chainToSamples(leaf, leaf.pathFromRoot(), builders, opts));
  }
  const reward = opts.reward === undefined ? 0 : opts.reward;
  for (const s of samples) s.sample.reward = reward;
  return { samples, drifts: [...drifts.values()] };
}

function chainToSamples(leaf: MessageNode, chain: MessageNode[], builders: SampleBuilder[], opts: LinearizeOptions): ExplainedSample[] {
  const generated = chain.filter((n) => n.role === "assistant" && n.turn !== null);
  const last = generated[generated.length - 1];
  const md: Record<string, unknown> = {
    ...(opts.extraMetadata ?? {}),
    truncated: last !== undefined && last.turn!.finish_reason === "length",
    use_tool: generated.some((n) => pyTruthy(n.message?.["tool_calls"])),
    ill_formed: generated.some((n) => n.turn!.ill_formed),
  };
  return builders
    .map((b, segment) => ({ b, segment }))
    .filter(({ b }) => b.hasTrainedResponse())
    .map(({ b, segment }) => toExplained(b, segment, leaf, md, opts));
}

function splitIntoBuilders(
  chain: MessageNode[],
  forkThreshold: number,
  claimed: Set<MessageNode>,
  classified: Map<MessageNode, { kind: DriftKind; at: number }>,
): SampleBuilder[] {
  const builders: SampleBuilder[] = [];
  let sawTool = false;
  for (const node of chain) {
    if (!(node.role === "assistant" && node.turn !== null)) {
      if (node.role === "tool") sawTool = true;
      continue;
    }
    const turn = node.turn;
    // A turn shared by sibling leaves trains on the first leaf that reaches it only.
    const trained = !claimed.has(node);
    claimed.add(node);
    const src: TurnSource = { turn_index: node.turnIndex, node_id: node.id, tailKind: sawTool ? "tool_output" : "prompt" };
    sawTool = false;
    const cur = builders[builders.length - 1];
    let drift = classified.get(node);
    if (cur && !drift) classified.set(node, (drift = cur.classify(turn)));
    if (!cur || drift!.kind === "fork") {
      const opened: DriftEvent | null =
        cur && drift ? { kind: "fork", turn_index: node.turnIndex, node_id: node.id, at: drift.at, held: cur.tokens.length } : null;
      const b = new SampleBuilder(forkThreshold, opened);
      b.appendTurn(turn, "clean", trained, src);
      builders.push(b);
    } else {
      cur.appendTurn(turn, drift!.kind, trained, src, drift!.at);
    }
  }
  return builders;
}

function toExplained(
  b: SampleBuilder,
  segment: number,
  leaf: MessageNode,
  md: Record<string, unknown>,
  opts: LinearizeOptions,
): ExplainedSample {
  const base = opts.baseSample;
  const start = b.leadingPromptLen;
  let tokens = b.tokens;
  let lossMask = b.lossMask;
  let logprobs = b.logprobs;
  const cap = opts.maxSampleTokens ?? 0;
  // Python's `seq[:cap]`; Array.slice counts a negative end from the back the same way.
  if (cap && tokens.length > cap) {
    tokens = tokens.slice(0, cap);
    lossMask = lossMask.slice(0, cap);
    logprobs = logprobs.slice(0, cap);
  }
  const sample: TrajectorySample = {
    index: base.index,
    group_index: base.group_index,
    rollout_id: base.rollout_id !== null ? base.rollout_id : base.index,
    prompt: base.prompt,
    label: base.label,
    tokens: [...tokens],
    response_length: lossMask.length - start,
    loss_mask: lossMask.slice(start),
    rollout_log_probs: logprobs.slice(start),
    reward: 0,
    status: "completed",
    metadata: { ...md } as TrajectorySample["metadata"],
  };
  const n = tokens.length;
  const spans = b.spans.filter((s) => s.start < n).map((s) => ({ ...s, end: Math.min(s.end, n) }));
  return { sample, leaf_node_id: leaf.id, segment, turn_indices: [...b.turnIndices], spans, forked_by: b.openedBy, realigns: [...b.realigns] };
}
