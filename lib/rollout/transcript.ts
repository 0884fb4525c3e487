// The record of one rollout and the events that build it. Isomorphic: the loop
// emits these events, the server persists the reduced record, and the browser
// reduces the same stream to render the transcript as it arrives.
import type { LenientVerdict, RewardView } from "@/lib/reward";
import type { ToolResult } from "@/lib/sandbox/types";
import type { FinishReason, ModelBackendKind, ModelError } from "./models/types";

export const rolloutStatuses = ["completed", "truncated", "aborted"] as const;
export type RolloutStatus = (typeof rolloutStatuses)[number];

/** Why a rollout stopped early: a model failure, or `internal:rollout`. */
export type RolloutError = ModelError;

export interface ToolCallRecord {
  id: string;
  name: string;
  code: string;
  /** Chat mode: the raw JSON arguments the model sent. */
  arguments?: string;
  result?: ToolResult;
}

export type ObservationKind = "interpreter" | "empty_code" | "invalid_action" | "tool_messages";

export interface ObservationRecord {
  kind: ObservationKind;
  /** Exactly what was appended to the model's context. */
  text: string;
  token_count: number;
  token_ids?: number[];
  /** Cut to fit the context budget (the rollout then ends truncated). */
  trimmed: boolean;
}

export interface TurnRecord {
  index: number;
  /** Text the model produced before postprocess_responses (stream as received). */
  raw: string;
  /** Text that entered the context / response. */
  text: string;
  finish_reason: FinishReason;
  token_count: number;
  token_ids?: number[];
  logprobs?: number[];
  /** The person replaced this turn's text (or its code) and re-ran from here. */
  edited?: boolean;
  action: "code" | "answer" | null;
  content: string;
  tool_calls: ToolCallRecord[];
  observation?: ObservationRecord;
}

export interface RewardRecord {
  type: string;
  score: number | null;
  acc?: boolean;
  pred?: string;
  /** A format-tolerant equivalence check, shown beside slime's verdict, never mixed with it. */
  lenient?: LenientVerdict;
  /** The text the reward function read, and where it found the answer. */
  view?: RewardView;
  /** slime would have raised (or the remote RM failed): no score. */
  error?: string;
}

export interface RolloutHeader {
  mode: "text" | "chat";
  backend: ModelBackendKind;
  fidelity: "exact" | "replay" | "approximate" | "agent";
  /** agent-proxy runs: the agent session the turns are recorded in (/agents?sid=…). */
  agent_session?: string;
  /** The user prompt (slime's sample.prompt). */
  prompt: string;
  label: string;
  /** The rendered template (what the trainer sends first). */
  prompt_text: string;
  prompt_token_count: number;
  prompt_token_ids?: number[];
  /** "exact" only with a tokenizer.json for every count. */
  token_counts: "exact" | "approximate";
  tokenizer_source: string;
  max_context_len: number;
  notices: string[];
}

export interface RolloutSample {
  prompt: string;
  response: string;
  label: string;
  reward: number | null;
  status: RolloutStatus;
  tool_call_count: number;
  response_length: number;
  tokens?: number[];
  loss_mask?: number[];
  rollout_log_probs?: number[];
  metadata: {
    backend: ModelBackendKind;
    token_counts: "exact" | "approximate";
    acc?: boolean;
    pred?: string;
    error?: RolloutError;
  };
}

export interface RolloutRecord extends RolloutHeader {
  turns: TurnRecord[];
  /** Set when the rollout ended. */
  status?: RolloutStatus;
  error?: RolloutError;
  tool_call_count: number;
  response: string;
  reward?: RewardRecord;
  sample?: RolloutSample;
  /** A turn in progress: its streamed text so far. */
  pending?: { index: number; text: string };
}

export type RolloutEvent =
  | { type: "start"; header: RolloutHeader; kept: TurnRecord[] }
  | { type: "turn_start"; index: number }
  | { type: "delta"; index: number; text: string }
  | { type: "model"; turn: TurnRecord }
  | { type: "tool_call"; index: number; call: ToolCallRecord }
  | { type: "tool_result"; index: number; call_id: string; result: ToolResult }
  | { type: "observation"; index: number; observation: ObservationRecord }
  | { type: "reward"; reward: RewardRecord }
  | { type: "error"; error: RolloutError }
  | {
      type: "done";
      status: RolloutStatus;
      tool_call_count: number;
      response: string;
      sample: RolloutSample;
    };

export function emptyRecord(header: RolloutHeader): RolloutRecord {
  return { ...header, turns: [], tool_call_count: 0, response: "" };
}

function updateTurn(r: RolloutRecord, index: number, f: (t: TurnRecord) => TurnRecord): RolloutRecord {
  return { ...r, turns: r.turns.map((t) => (t.index === index ? f(t) : t)) };
}

/** Pure reducer: the same on the server (persistence) and in the browser (rendering). */
export function applyEvent(r: RolloutRecord | null, e: RolloutEvent): RolloutRecord | null {
  if (e.type === "start") return { ...emptyRecord(e.header), turns: e.kept };
  if (!r) return r;
  switch (e.type) {
    case "turn_start":
      return { ...r, pending: { index: e.index, text: "" } };
    case "delta":
      return r.pending && r.pending.index === e.index
        ? { ...r, pending: { index: e.index, text: r.pending.text + e.text } }
        : { ...r, pending: { index: e.index, text: e.text } };
    case "model": {
      const { pending: _drop, ...rest } = r;
      return { ...rest, turns: [...r.turns.filter((t) => t.index !== e.turn.index), e.turn] };
    }
    case "tool_call":
      return updateTurn(r, e.index, (t) => ({
        ...t,
        tool_calls: [...t.tool_calls.filter((c) => c.id !== e.call.id), e.call],
      }));
    case "tool_result":
      return updateTurn(r, e.index, (t) => ({
        ...t,
        tool_calls: t.tool_calls.map((c) => (c.id === e.call_id ? { ...c, result: e.result } : c)),
      }));
    case "observation":
      return updateTurn(r, e.index, (t) => ({ ...t, observation: e.observation }));
    case "reward":
      return { ...r, reward: e.reward };
    case "error":
      return { ...r, error: e.error };
    case "done": {
      const { pending: _drop, ...rest } = r;
      return {
        ...rest,
        status: e.status,
        tool_call_count: e.tool_call_count,
        response: e.response,
        sample: e.sample,
      };
    }
  }
}
