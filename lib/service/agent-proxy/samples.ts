import "server-only";
import type { ExplainedSample, TrajectorySample } from "@/lib/agent/trajectory";
import type { PromptEncoder } from "./prompt";

// A Sample as the proxy hands it out: get_trajectory's fields (the CLI's shape) plus `response`,
// the decoded trained tail, which slime's finish_session fills in (the manager has no tokenizer).

export type FinishedSample = TrajectorySample & { response: string };

export function withResponse(e: ExplainedSample, enc: PromptEncoder | null): FinishedSample {
  const s = e.sample;
  const n = s.response_length;
  return { ...s, response: n && s.tokens.length && enc ? enc.decode(s.tokens.slice(-n)) : "" };
}

/** JSON Lines, one Sample a line, for Inspect. */
export function samplesJsonl(samples: readonly ExplainedSample[], enc: PromptEncoder | null): string {
  return samples.map((e) => JSON.stringify(withResponse(e, enc))).join("\n") + (samples.length ? "\n" : "");
}
