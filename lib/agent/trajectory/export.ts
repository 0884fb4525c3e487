// A finished session as JSON Lines: one slime Sample per line, exactly as get_trajectory returns
// it, plus one extra key, `agent_trajectory`, with where the Sample came from and the session's
// tree (compact: message previews, no full texts). slime's Sample.from_dict keeps unknown keys as
// attributes, so the file still loads as Samples; Inspect reads the extra key to show the tree.
import { z } from "zod";
import { driftKinds, tokenKinds } from "./builder";
import type { ExplainedSample } from "./linearize";
import type { TrajectoryPreview } from "./manager";
import { trajectorySampleSchema, type ChatMessage } from "./schema";
import { branchKinds, type TrajectoryTreeView } from "./view";

export const AGENT_TRAJECTORY_KEY = "agent_trajectory";
const PREVIEW_CHARS = 160;

const tokenSpanSchema = z.object({
  start: z.int(),
  end: z.int(),
  kind: z.enum(tokenKinds),
  turn_index: z.int().nullable(),
  node_id: z.int().nullable(),
});

const driftEventSchema = z.object({
  kind: z.enum(driftKinds.filter((k) => k !== "clean") as ["realign", "fork"]),
  turn_index: z.int().nullable(),
  node_id: z.int().nullable(),
  at: z.int(),
  held: z.int(),
  response_start: z.int().optional(),
});

const mergedRewriteSchema = z.object({ abandoned_turn_index: z.int().nullable(), abandoned_response_tokens: z.int() });

export const compactNodeSchema = z.object({
  id: z.int(),
  parent_id: z.int().nullable(),
  role: z.string().nullable(),
  /** The message's text (and tool call names), cut to 160 characters. */
  preview: z.string(),
  generated: z.boolean(),
  turn_index: z.int().nullable(),
  merged_rewrite: mergedRewriteSchema.nullable(),
  turn: z
    .object({ prompt_len: z.int(), output_len: z.int(), finish_reason: z.string(), ill_formed: z.boolean(), has_logprobs: z.boolean() })
    .nullable(),
  trained_in: z.array(z.int()),
  context_in: z.array(z.int()),
});
export type CompactNode = z.infer<typeof compactNodeSchema>;

export const compactTreeSchema = z.object({
  root_id: z.int(),
  nodes: z.array(compactNodeSchema),
  leaves: z.array(z.int()),
  branches: z.array(
    z.object({
      kind: z.enum(branchKinds),
      node_id: z.int(),
      children: z.array(z.int()).optional(),
      merged_rewrite: mergedRewriteSchema.optional(),
      drift: driftEventSchema.optional(),
    }),
  ),
  heals: z.array(driftEventSchema),
  turn_count: z.int(),
  fork_threshold: z.int(),
});
export type CompactTree = z.infer<typeof compactTreeSchema>;

export const agentTrajectoryInfoSchema = z.object({
  version: z.literal(1),
  session_id: z.string(),
  /** This Sample's position among the session's Samples (what `trained_in`/`context_in` index). */
  sample: z.int(),
  samples: z.int(),
  leaf_node_id: z.int(),
  segment: z.int(),
  turn_indices: z.array(z.int().nullable()),
  spans: z.array(tokenSpanSchema),
  forked_by: driftEventSchema.nullable(),
  realigns: z.array(driftEventSchema),
  tree: compactTreeSchema,
});
export type AgentTrajectoryInfo = z.infer<typeof agentTrajectoryInfoSchema>;

/** A line of the export: the Sample, `response` when the caller decoded one, and the provenance. */
export const trajectoryExportLineSchema = trajectorySampleSchema.extend({
  response: z.string().optional(),
  [AGENT_TRAJECTORY_KEY]: agentTrajectoryInfoSchema,
});
export type TrajectoryExportLine = z.infer<typeof trajectoryExportLineSchema>;

export function messagePreview(m: ChatMessage | null): string {
  if (m === null) return "";
  const parts: string[] = [];
  const c = m["content"];
  if (typeof c === "string") parts.push(c);
  else if (Array.isArray(c)) for (const p of c) if (p && typeof p === "object" && !Array.isArray(p) && typeof p["text"] === "string") parts.push(p["text"]);
  const calls = m["tool_calls"];
  if (Array.isArray(calls)) {
    for (const tc of calls) {
      const fn = tc && typeof tc === "object" && !Array.isArray(tc) ? (tc["function"] ?? tc) : null;
      const name = fn && typeof fn === "object" && !Array.isArray(fn) ? fn["name"] : null;
      parts.push(`→ ${typeof name === "string" ? name : "tool call"}()`);
    }
  }
  const text = parts.join(" ").replace(/\s+/g, " ").trim();
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}

export function compactTree(tree: TrajectoryTreeView): CompactTree {
  return {
    root_id: tree.root_id,
    nodes: tree.nodes.map((n) => ({
      id: n.id,
      parent_id: n.parent_id,
      role: typeof n.role === "string" ? n.role : n.role === null || n.role === undefined ? null : JSON.stringify(n.role),
      preview: messagePreview(n.message),
      generated: n.generated,
      turn_index: n.turn_index,
      merged_rewrite: n.merged_rewrite,
      turn: n.turn,
      trained_in: n.trained_in,
      context_in: n.context_in,
    })),
    leaves: tree.leaves,
    branches: tree.branches,
    heals: tree.heals,
    turn_count: tree.turn_count,
    fork_threshold: tree.fork_threshold,
  };
}

/** The export lines of a finished session (`TrajectoryManager.finishWithTree`). `response`, when
 *  given, decodes a Sample's response tokens (slime's finish_session does it with the tokenizer). */
export function exportTrajectory(
  sessionId: string,
  { tree, samples }: TrajectoryPreview,
  response?: (s: ExplainedSample) => string,
): TrajectoryExportLine[] {
  const compact = compactTree(tree);
  return samples.map((e, i) => ({
    ...e.sample,
    ...(response ? { response: response(e) } : {}),
    [AGENT_TRAJECTORY_KEY]: {
      version: 1 as const,
      session_id: sessionId,
      sample: i,
      samples: samples.length,
      leaf_node_id: e.leaf_node_id,
      segment: e.segment,
      turn_indices: e.turn_indices,
      spans: e.spans,
      forked_by: e.forked_by,
      realigns: e.realigns,
      tree: compact,
    },
  }));
}
