// slime's TrajectoryManager (slime/agent/trajectory.py) in TypeScript: one routing tree per
// session id, linearized into the Samples slime trains on. Same semantics, same defaults.
import { err, ok, type Result } from "@/lib/result";
import { appError } from "@/lib/errors";
import { linearize, type ExplainedSample, type LinearizeOptions } from "./linearize";
import type { ChatMessage, TrajectorySample, TurnRecord } from "./schema";
import { SessionTree, type MessageNode } from "./tree";
import { buildTreeView, type TrajectoryTreeView } from "./view";

/** slime's default `fork_threshold_tokens`. */
export const DEFAULT_FORK_THRESHOLD = 1024;

export interface RecordTurnInput {
  turn: TurnRecord;
  promptMessages: readonly ChatMessage[];
  responseMessage: ChatMessage | null;
  metadata?: Record<string, unknown> | null;
}

export type RecordTurnOutcome =
  | { recorded: true; turnIndex: number; nodeId: number; mountDepth: number; mergedRewriteNodeId: number | null }
  | { recorded: false; reason: "empty_prompt_messages" };

export interface TrajectoryPreview {
  tree: TrajectoryTreeView;
  samples: ExplainedSample[];
}

export class TrajectoryManager {
  readonly forkThreshold: number;
  private readonly trees = new Map<string, SessionTree>();

  constructor(opts: { forkThresholdTokens?: number | null } = {}) {
    this.forkThreshold = opts.forkThresholdTokens ?? DEFAULT_FORK_THRESHOLD;
  }

  hasSession(sid: string): boolean {
    return this.trees.has(sid);
  }

  turnCount(sid: string): number {
    return this.trees.get(sid)?.turnCount ?? 0;
  }

  sessionIds(): string[] {
    return [...this.trees.keys()];
  }

  /** record_turn. slime asserts on a logprobs/ids length mismatch; here that is a bad_request. */
  recordTurn(sid: string, input: RecordTurnInput): Result<RecordTurnOutcome> {
    const { turn, promptMessages } = input;
    if (promptMessages.length === 0) return ok({ recorded: false, reason: "empty_prompt_messages" });
    if (turn.output_log_probs.length && turn.output_log_probs.length !== turn.output_ids.length) {
      return err(
        appError(
          "bad_request:turn",
          `turn.output_log_probs length ${turn.output_log_probs.length} != turn.output_ids length ${turn.output_ids.length}`,
          "output_log_probs",
        ),
      );
    }
    let tree = this.trees.get(sid);
    if (!tree) this.trees.set(sid, (tree = new SessionTree(this.forkThreshold)));
    const { leaf, mountDepth, merged } = tree.record(turn, promptMessages, input.responseMessage, input.metadata ?? null);
    return ok({ recorded: true, turnIndex: leaf.turnIndex!, nodeId: leaf.id, mountDepth, mergedRewriteNodeId: merged?.id ?? null });
  }

  /** get_trajectory: the Samples, reward on every one; consumes the session (a second call gives []). */
  getTrajectory(sid: string, opts: LinearizeOptions): TrajectorySample[] {
    return this.finish(sid, opts).map((e) => e.sample);
  }

  /** get_trajectory with each Sample's provenance (for the Agents page's finish view). */
  finish(sid: string, opts: LinearizeOptions): ExplainedSample[] {
    const tree = this.trees.get(sid);
    if (!tree) return [];
    this.trees.delete(sid);
    return linearize(tree, opts).samples;
  }

  /** finish, with the tree as it was (for the export, `exportTrajectory`); consumes. */
  finishWithTree(sid: string, opts: LinearizeOptions): TrajectoryPreview | undefined {
    const preview = this.preview(sid, opts);
    this.trees.delete(sid);
    return preview;
  }

  /** What get_trajectory would return now, and the tree; changes nothing. */
  preview(sid: string, opts: LinearizeOptions): TrajectoryPreview | undefined {
    const tree = this.trees.get(sid);
    if (!tree) return undefined;
    const result = linearize(tree, opts);
    return { tree: buildTreeView(tree, result), samples: result.samples };
  }

  dropSession(sid: string): void {
    this.trees.delete(sid);
  }

  /** The raw tree, read-only by convention (tests and views). */
  tree(sid: string): { root: MessageNode; turnCount: number } | undefined {
    return this.trees.get(sid);
  }
}
