// What the Agents page reads (isomorphic types; built by view.ts on the server).
import type { TokenPiece } from "@/components/tokens/pieces";
import type { DriftEvent, TrajectoryTreeView } from "@/lib/agent/trajectory";
import type { TemplateMessage } from "./messages";
import type { AgentSessionSummary } from "./session-types";

export interface TurnRow {
  index: number;
  time: number;
  api: "openai" | "anthropic";
  stream: boolean;
  finish_reason: string;
  ill_formed: boolean;
  ill_formed_reason?: string;
  prompt_len: number;
  output_len: number;
  duration_ms: number;
  upstream_ms: number;
  tokens_exact: boolean;
  /** The prompt's new messages: what came after the last assistant message (tool results, a user turn). */
  prompt_tail: TemplateMessage[];
  /** How many earlier messages the tail leaves out. */
  prompt_head: number;
  response: TemplateMessage | null;
  /** Where this turn's prompt leaves the previous turn's prompt + output (null for the first turn): the drift boundary. */
  drift_at: number | null;
  /** Tokens held before it (previous prompt + output): drift = held - drift_at. */
  held: number | null;
}

export interface SampleRow {
  index: number;
  tokens: number;
  response_length: number;
  trained: number;
  reward: unknown;
  status: string;
  metadata: Record<string, unknown>;
  turn_indices: (number | null)[];
  leaf_node_id: number;
  forked_by: DriftEvent | null;
  realigns: DriftEvent[];
}

export interface SandboxCallRow {
  id: string;
  time: number;
  api: string;
  route: string;
  status: string;
  outcome: string;
  tool_name?: string;
  language?: string;
  code?: string;
  stdout?: string;
  stderr?: string;
  message?: string;
  run_ms: number;
}

export interface AgentSessionView {
  session: AgentSessionSummary;
  turns: TurnRow[];
  /** Older turns left out of `turns` (the page asks for all with `turns=0`). */
  turns_omitted: number;
  tree: TrajectoryTreeView | null;
  samples: SampleRow[];
  /** Samples are final (finish answered them) or a preview of what finish would give now. */
  samples_final: boolean;
  sandbox_calls: SandboxCallRow[];
}

export interface TokenViewData {
  pieces: TokenPiece[];
  source: string;
  /** Index of the first piece shown within the whole sequence. */
  offset: number;
  total: number;
}
