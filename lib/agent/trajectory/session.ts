// One CLI session line: record the turns in order, then get_trajectory (what the cross-check runs).
import type { Result } from "@/lib/result";
import { ok } from "@/lib/result";
import { TrajectoryManager } from "./manager";
import type { TrajectorySample, TrajectorySession } from "./schema";

export function runTrajectorySession(session: TrajectorySession): Result<TrajectorySample[]> {
  const mgr = new TrajectoryManager({ forkThresholdTokens: session.fork_threshold_tokens });
  const sid = "session";
  for (const t of session.turns) {
    const r = mgr.recordTurn(sid, {
      turn: t,
      promptMessages: t.prompt_messages,
      responseMessage: t.response_message,
      metadata: t.metadata,
    });
    if (!r.ok) return r;
  }
  return ok(
    mgr.getTrajectory(sid, {
      baseSample: session.base_sample,
      reward: session.reward,
      extraMetadata: session.extra_metadata,
      maxSampleTokens: session.max_sample_tokens,
    }),
  );
}
