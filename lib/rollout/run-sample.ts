// Whether a Chat run has a slime Sample to export yet (the client asks too, to disable the buttons).
import type { ChatRun } from "./chat-session-schema";
import type { RolloutSample } from "./transcript";

/** The run's slime Sample, or why there is none yet (a run still going or stopped before its end). */
export function runSample(run: ChatRun): { ok: true; sample: RolloutSample } | { ok: false; reason: string } {
  const sample = run.record?.sample;
  if (sample) return { ok: true, sample };
  return {
    ok: false,
    reason: run.state === "running" ? "The run is still going: its Sample exists once it ends." : "This run ended before it produced a Sample (see its error).",
  };
}

