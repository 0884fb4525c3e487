import "server-only";
import type { ToolResult } from "@/lib/sandbox/types";
import { DEFAULT_SYSTEM_PROMPT, DEFAULT_TOOLS, RETOOL_DEFAULTS, formatConversationWithTools } from "./template";
import { TokenLedger } from "./token-ledger";
import type { TokenCounter } from "./tokens";
import { backendFidelity, stoppedByUser, type ChatToolCall, type ModelBackend, type SamplingParams, type ToolSpec } from "./models/types";
import type { RewardRecord, RolloutError, RolloutEvent, RolloutHeader, RolloutSample, RolloutStatus, TurnRecord } from "./transcript";
import { replayKeptTurn, stepTurn, type RunState } from "./turn";

// slime's ReTool generate() (examples/retool/generate_with_retool.py) as an
// async iterable of events, shared by the Chat page and the CLI.

export interface RolloutConfig {
  prompt: string;
  label?: string;
  /** Empty/absent means slime's default system prompt. */
  system?: string;
  /** A prompt already rendered (a recorded sample's): used verbatim instead of the template. */
  prompt_text?: string;
  tools?: ToolSpec[];
  sampling: SamplingParams;
  max_turns?: number;
  max_tool_calls?: number;
  /** slime's rollout_max_context_len. */
  max_context_len: number;
}

/** Runs code_interpreter in the sandbox; never throws. */
export interface ToolRunner {
  codeInterpreter(code: string, signal: AbortSignal): Promise<ToolResult>;
  /** Any sandbox tool by name (chat mode with the sandbox tools offered); never throws. */
  run?(name: string, args: unknown, signal: AbortSignal): Promise<ToolResult>;
}

export interface RewardInput {
  prompt: string;
  response: string;
  label: string;
  tool_call_count: number;
}

/** Carry on from an earlier rollout: keep its first turns, optionally force the next turn. */
export interface ResumeFrom {
  kept: TurnRecord[];
  /** The person's edited text for the next turn (exact mode) or content + tool calls (chat mode). */
  forced?: { text: string; tool_calls?: ChatToolCall[] };
}

export interface RolloutDeps {
  model: ModelBackend;
  tools: ToolRunner;
  tokenizer: TokenCounter;
  reward?: (input: RewardInput) => Promise<RewardRecord>;
  signal?: AbortSignal;
  resume?: ResumeFrom;
  /** Shown in the header (e.g. tokenizer load problems). */
  notices?: string[];
}

export async function* runRollout(cfg: RolloutConfig, deps: RolloutDeps): AsyncGenerator<RolloutEvent> {
  const tok = deps.tokenizer;
  const model = deps.model;
  const tools = cfg.tools ?? DEFAULT_TOOLS;
  const label = cfg.label ?? "";
  const promptText = cfg.prompt_text || formatConversationWithTools({ prompt: cfg.prompt, system: cfg.system, tools });
  const ledger = new TokenLedger(tok, promptText);

  const notices = [...(deps.notices ?? [])];
  if (model.kind === "agent-proxy")
    notices.push(
      "Agent proxy: each turn goes through /agent/v1's recording (the model's chat template, its exact token ids); what would be trained is the agent session's Samples on the Agents page, not this ReTool sample.",
    );
  else if (model.mode === "chat")
    notices.push(
      "Chat mode: the server applies its own chat template and tool-call format, so this is only an approximation of a ReTool training rollout.",
    );
  const header: RolloutHeader = {
    mode: model.mode,
    backend: model.kind,
    fidelity: backendFidelity[model.kind],
    ...(model.mode === "chat" && model.agentSession ? { agent_session: model.agentSession } : {}),
    prompt: cfg.prompt,
    label,
    prompt_text: promptText,
    prompt_token_count: ledger.promptCount,
    ...(ledger.promptIds ? { prompt_token_ids: ledger.promptIds } : {}),
    token_counts: tok.exact ? "exact" : "approximate",
    tokenizer_source: tok.source,
    max_context_len: cfg.max_context_len,
    notices,
  };

  const kept = deps.resume?.kept ?? [];
  yield { type: "start", header, kept };

  const st: RunState = {
    cfg,
    deps,
    model,
    tok,
    signal: deps.signal ?? new AbortController().signal,
    tools,
    promptText,
    maxToolCalls: cfg.max_tool_calls ?? RETOOL_DEFAULTS.maxToolCalls,
    ledger,
    chatMessages: [
      { role: "system", content: cfg.system ? cfg.system : DEFAULT_SYSTEM_PROMPT },
      { role: "user", content: cfg.prompt },
    ],
    response: "",
    toolCallCount: 0,
    ...(kept.length > 0 ? { lastFinish: kept[kept.length - 1]!.finish_reason } : {}),
    ...(deps.resume?.forced ? { forced: deps.resume.forced } : {}),
  };
  for (const t of kept) replayKeptTurn(st, t);

  let status: RolloutStatus | undefined;
  let error: RolloutError | undefined;
  const maxTurns = cfg.max_turns ?? RETOOL_DEFAULTS.maxTurns;
  for (let turn = kept.length; turn < maxTurns; turn++) {
    const end = yield* stepTurn(st, turn);
    if (end.stop) {
      status = end.status;
      error = end.error;
      break;
    }
  }

  const response = st.decodedResponse ?? st.response;
  if (!status) {
    if (st.signal.aborted) {
      status = "aborted";
      error = stoppedByUser;
    } else status = st.lastFinish === "length" ? "truncated" : st.lastFinish === "abort" ? "aborted" : "completed";
  }
  if (error) yield { type: "error", error };

  let reward: RewardRecord | undefined;
  if (status !== "aborted" && deps.reward) {
    try {
      reward = await deps.reward({ prompt: cfg.prompt, response, label, tool_call_count: st.toolCallCount });
    } catch (e) {
      reward = { type: "unknown", score: null, error: e instanceof Error ? e.message : String(e) };
    }
    yield { type: "reward", reward };
  }

  const sample: RolloutSample = {
    prompt: cfg.prompt,
    response,
    label,
    reward: reward?.score ?? null,
    status,
    tool_call_count: st.toolCallCount,
    response_length: ledger.responseCount,
    ...ledger.sampleFields(),
    metadata: {
      backend: model.kind,
      token_counts: header.token_counts,
      ...(reward?.acc !== undefined ? { acc: reward.acc } : {}),
      ...(reward?.pred !== undefined ? { pred: reward.pred } : {}),
      ...(error ? { error } : {}),
    },
  };
  yield { type: "done", status, tool_call_count: st.toolCallCount, response, sample };
}

/** Collects a rollout (CLI, tests). */
export async function collectRollout(
  cfg: RolloutConfig,
  deps: RolloutDeps,
): Promise<{ events: RolloutEvent[]; sample: RolloutSample }> {
  const events: RolloutEvent[] = [];
  let sample: RolloutSample | undefined;
  for await (const e of runRollout(cfg, deps)) {
    events.push(e);
    if (e.type === "done") sample = e.sample;
  }
  if (!sample) throw new Error("rollout ended without a done event");
  return { events, sample };
}
