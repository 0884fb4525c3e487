import "server-only";
import { exportTrajectory, type ExplainedSample, type TrajectorySample, type TrajectoryTreeView } from "@/lib/agent/trajectory";
import type { PromptEncoder } from "./prompt";

// A Sample as the proxy hands it out: get_trajectory's fields (the CLI's shape) plus `response`,
// the decoded trained tail, which slime's finish_session fills in (the manager has no tokenizer).

export type FinishedSample = TrajectorySample & { response: string };

export function withResponse(e: ExplainedSample, enc: PromptEncoder | null): FinishedSample {
  const s = e.sample;
  const n = s.response_length;
  return { ...s, response: n && s.tokens.length && enc ? enc.decode(s.tokens.slice(-n)) : "" };
}

/** JSON Lines, one Sample a line, for Inspect. With the session's tree, each line also carries its
 *  provenance (`agent_trajectory`, lib/agent/trajectory/export.ts), so Inspect shows the tree. */
export function samplesJsonl(samples: ExplainedSample[], enc: PromptEncoder | null, provenance?: { sid: string; tree: TrajectoryTreeView }): string {
  const rows = provenance
    ? exportTrajectory(provenance.sid, { tree: provenance.tree, samples }, (e) => withResponse(e, enc).response)
    : samples.map((e) => withResponse(e, enc));
  return rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : "");
}
