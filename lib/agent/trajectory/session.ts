// One CLI session line: record the turns in order, then get_trajectory (what the cross-check runs).
import type { Result } from "@/lib/result";
import { ok } from "@/lib/result";
import { exportTrajectory, type TrajectoryExportLine } from "./export";
import type { LinearizeOptions } from "./linearize";
import { TrajectoryManager } from "./manager";
import type { TrajectorySample, TrajectorySession } from "./schema";

const SID = "session";

function record(session: TrajectorySession): Result<TrajectoryManager> {
  const mgr = new TrajectoryManager({ forkThresholdTokens: session.fork_threshold_tokens });
  for (const t of session.turns) {
    const r = mgr.recordTurn(SID, { turn: t, promptMessages: t.prompt_messages, responseMessage: t.response_message, metadata: t.metadata });
    if (!r.ok) return r;
  }
  return ok(mgr);
}

const optionsOf = (s: TrajectorySession): LinearizeOptions => ({
  baseSample: s.base_sample,
  reward: s.reward,
  extraMetadata: s.extra_metadata,
  maxSampleTokens: s.max_sample_tokens,
});

export function runTrajectorySession(session: TrajectorySession): Result<TrajectorySample[]> {
  const mgr = record(session);
  return mgr.ok ? ok(mgr.value.getTrajectory(SID, optionsOf(session))) : mgr;
}

/** The same Samples as export lines (each with its `agent_trajectory`), as Inspect opens them. */
export function exportTrajectorySession(session: TrajectorySession, sessionId: string): Result<TrajectoryExportLine[]> {
  const mgr = record(session);
  if (!mgr.ok) return mgr;
  const done = mgr.value.finishWithTree(SID, optionsOf(session));
  return ok(done ? exportTrajectory(sessionId, done) : []);
}
