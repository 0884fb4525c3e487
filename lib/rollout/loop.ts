import "server-only";
import type { ToolResult } from "@/lib/sandbox/types";
import { postprocessPredictions, postprocessResponses } from "./parse";
import {
  DEFAULT_SYSTEM_PROMPT,
  DEFAULT_TOOLS,
  EMPTY_CODE_OBSERVATION,
  INVALID_ACTION_TEXT,
  RETOOL_DEFAULTS,
  formatConversationWithTools,
  formatObservation,
} from "./template";
import type { TokenCounter } from "./tokens";
import {
  backendFidelity,
  type ChatMessage,
  type ChatToolCall,
  type FinishReason,
  type ModelBackend,
  type ModelError,
  type SamplingParams,
  type ToolSpec,
} from "./models/types";
import type {
  ObservationKind,
  ObservationRecord,
  RewardRecord,
  RolloutError,
  RolloutEvent,
  RolloutHeader,
  RolloutSample,
  RolloutStatus,
  ToolCallRecord,
  TurnRecord,
} from "./transcript";

// slime's ReTool generate() (examples/retool/generate_with_retool.py) as an
// async iterable of events, shared by the Chat page and the CLI.

export interface RolloutConfig {
  prompt: string;
  label?: string;
  /** Empty/absent means slime's default system prompt. */
  system?: string;
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

const ABORTED_BY_USER: RolloutError = { code: "aborted:user", message: "Stopped." };

interface TokenState {
  promptCount: number;
  promptIds?: number[];
  responseCount: number;
  /** Present while every count is exact (tokenizer loaded). */
  responseIds?: number[];
  lossMask?: number[];
  /** Present while every model turn came with logprobs. */
  logprobs?: number[];
}

function encodeOrCount(tok: TokenCounter, text: string): { ids?: number[]; count: number } {
  if (tok.encode) {
    const ids = tok.encode(text);
    return { ids, count: ids.length };
  }
  return { count: tok.count(text) };
}

/** Keeps the first `keep` tokens' worth of an observation when no tokenizer is loaded. */
function trimApprox(text: string, keepTokens: number, tok: TokenCounter): string {
  const cps = [...text];
  let lo = 0;
  let hi = cps.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (tok.count(cps.slice(0, mid).join("")) <= keepTokens) lo = mid;
    else hi = mid - 1;
  }
  return cps.slice(0, lo).join("");
}

function modelErrorToRollout(e: ModelError): RolloutError {
  return { code: e.code, message: e.message, ...(e.detail ? { detail: e.detail } : {}) };
}

function chatToolCallText(call: ChatToolCall): string {
  // How the same call reads in ReTool's text format, so reward and raw view see it.
  let args: unknown = call.arguments;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    // keep the raw string
  }
  return `<tool_call>\n${JSON.stringify({ name: call.name, arguments: args })}\n</tool_call>`;
}

function codeFromChatCall(call: ChatToolCall): { code: string } | { error: string } {
  if (call.name !== "code_interpreter") return { error: `Error: Tool '${call.name}' not found` };
  try {
    const args = JSON.parse(call.arguments) as unknown;
    if (args && typeof args === "object" && typeof (args as { code?: unknown }).code === "string") {
      const code = (args as { code: string }).code;
      if (code.trim()) return { code };
    }
    return { error: "Error: No code provided" };
  } catch (e) {
    return { error: `Error: invalid tool arguments (${(e as Error).message})` };
  }
}

export async function* runRollout(cfg: RolloutConfig, deps: RolloutDeps): AsyncGenerator<RolloutEvent> {
  const signal = deps.signal ?? new AbortController().signal;
  const tok = deps.tokenizer;
  const maxTurns = cfg.max_turns ?? RETOOL_DEFAULTS.maxTurns;
  const maxToolCalls = cfg.max_tool_calls ?? RETOOL_DEFAULTS.maxToolCalls;
  const tools = cfg.tools ?? DEFAULT_TOOLS;
  const label = cfg.label ?? "";
  const model = deps.model;

  const promptText = formatConversationWithTools({ prompt: cfg.prompt, system: cfg.system, tools });
  const p = encodeOrCount(tok, promptText);
  const st: TokenState = {
    promptCount: p.count,
    responseCount: 0,
    ...(p.ids ? { promptIds: p.ids, responseIds: [], lossMask: [], logprobs: [] } : {}),
  };

  const notices = [...(deps.notices ?? [])];
  if (model.mode === "chat")
    notices.push(
      "Chat mode: the server applies its own chat template and tool-call format, so this is only an approximation of a ReTool training rollout.",
    );
  const header: RolloutHeader = {
    mode: model.mode,
    backend: model.kind,
    fidelity: backendFidelity[model.kind],
    prompt: cfg.prompt,
    label,
    prompt_text: promptText,
    prompt_token_count: p.count,
    ...(p.ids ? { prompt_token_ids: p.ids } : {}),
    token_counts: tok.exact ? "exact" : "approximate",
    tokenizer_source: tok.source,
    max_context_len: cfg.max_context_len,
    notices,
  };

  const kept = deps.resume?.kept ?? [];
  yield { type: "start", header, kept };

  let response = "";
  let toolCallCount = 0;
  const chatMessages: ChatMessage[] = [
    { role: "system", content: cfg.system ? cfg.system : DEFAULT_SYSTEM_PROMPT },
    { role: "user", content: cfg.prompt },
  ];

  const addModelTokens = (turn: TurnRecord) => {
    st.responseCount += turn.token_count;
    if (st.responseIds && turn.token_ids) {
      st.responseIds.push(...turn.token_ids);
      st.lossMask!.push(...turn.token_ids.map(() => 1));
      if (st.logprobs && turn.logprobs && turn.logprobs.length === turn.token_ids.length) st.logprobs.push(...turn.logprobs);
      else delete st.logprobs;
    } else {
      delete st.responseIds;
      delete st.lossMask;
      delete st.logprobs;
    }
  };
  const addObservationTokens = (obs: ObservationRecord) => {
    st.responseCount += obs.token_count;
    if (st.responseIds && obs.token_ids) {
      st.responseIds.push(...obs.token_ids);
      st.lossMask!.push(...obs.token_ids.map(() => 0));
      // slime pads observation logprobs with 0.0 (masked out anyway).
      st.logprobs?.push(...obs.token_ids.map(() => 0));
    } else {
      delete st.responseIds;
      delete st.lossMask;
      delete st.logprobs;
    }
  };
  const appendChatTurn = (turn: TurnRecord) => {
    if (model.mode !== "chat") return;
    const calls = turn.tool_calls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments ?? "" }));
    chatMessages.push({ role: "assistant", content: chatContentOf(turn), ...(calls.length ? { tool_calls: calls } : {}) });
    if (!turn.observation) return;
    if (calls.length > 0)
      for (const c of turn.tool_calls)
        chatMessages.push({ role: "tool", tool_call_id: c.id, content: c.result?.output ?? "" });
    else chatMessages.push({ role: "user", content: turn.observation.text });
  };

  // Kept turns re-enter the context exactly as they were.
  for (const t of kept) {
    response += t.text;
    addModelTokens(t);
    appendChatTurn(t);
    if (t.observation) {
      // slime counts an observation that holds "<interpreter>" (the empty-code one too).
      if (t.observation.kind === "tool_messages") toolCallCount += t.tool_calls.length;
      else if (t.observation.text.includes("<interpreter>")) toolCallCount += 1;
      addObservationTokens(t.observation);
      response += t.observation.text;
    }
  }

  let status: RolloutStatus | undefined;
  let error: RolloutError | undefined;
  let lastFinish: FinishReason | undefined = kept.length > 0 ? kept[kept.length - 1]!.finish_reason : undefined;
  let forced = deps.resume?.forced;
  let decodedResponse: string | undefined;

  for (let turn = kept.length; turn < maxTurns; turn++) {
    if (signal.aborted) {
      status = "aborted";
      error = ABORTED_BY_USER;
      break;
    }
    const total = st.promptCount + st.responseCount;
    if (total >= cfg.max_context_len) {
      status = "truncated";
      break;
    }
    // Clamp this turn's generation to the remaining context budget (slime does the same).
    const remaining = cfg.max_context_len - total;
    const sampling: SamplingParams = { ...cfg.sampling, max_new_tokens: Math.min(cfg.sampling.max_new_tokens, remaining) };

    yield { type: "turn_start", index: turn };
    const deltas: string[] = [];
    let wake: (() => void) | undefined;
    const onDelta = (d: string) => {
      deltas.push(d);
      wake?.();
    };

    // ---- generate (or take the person's edit) ----
    let rec: TurnRecord;
    let chatCalls: ChatToolCall[] = [];
    if (forced) {
      const text = forced.text;
      chatCalls = forced.tool_calls ?? [];
      const ids = tok.encode?.(text);
      const fullText = model.mode === "chat" ? text + chatCalls.map((c) => chatToolCallText(c)).join("") : text;
      const e = ids ? { ids, count: ids.length } : { count: tok.count(fullText) };
      rec = baseTurn(turn, text, fullText, "stop", e.count, e.ids);
      rec.edited = true;
      forced = undefined;
    } else {
      const pending =
        model.mode === "text"
          ? model.complete({
              turn,
              text: promptText + response,
              ...(st.promptIds && st.responseIds ? { input_ids: [...st.promptIds, ...st.responseIds] } : {}),
              sampling,
              signal,
              onDelta,
            })
          : model.chat({ turn, messages: chatMessages, tools, sampling, signal, onDelta });
      // Forward deltas while the request runs.
      let settled = false;
      const settle = () => {
        settled = true;
        wake?.();
      };
      pending.then(settle, settle);
      while (!settled || deltas.length > 0) {
        if (deltas.length > 0) {
          yield { type: "delta", index: turn, text: deltas.splice(0).join("") };
          continue;
        }
        await new Promise<void>((r) => {
          wake = r;
          if (settled || deltas.length > 0) r();
        });
        wake = undefined;
      }
      const res = await pending;
      if (!res.ok) {
        status = "aborted";
        error = modelErrorToRollout(res.error);
        if (res.partial) {
          // Keep what arrived: it is shown, but it never enters the sample.
          const partialTurn = baseTurn(turn, res.partial, res.partial, "abort", tok.count(res.partial));
          yield { type: "model", turn: partialTurn };
        }
        break;
      }
      const out = res.value;
      lastFinish = out.finish_reason;
      if (out.finish_reason === "abort") {
        status = "aborted";
        error = { code: "unavailable:model", message: "The model server aborted the generation (finish_reason abort)." };
        yield { type: "model", turn: baseTurn(turn, "text" in out ? out.text : out.content, "", "abort", 0) };
        break;
      }
      if (model.mode === "text" && "text" in out) {
        if (out.token_ids && tok.decode) {
          // slime: the server's tokens are the truth; the text is their decoding.
          const text = tok.decode(out.token_ids);
          rec = baseTurn(turn, out.text, text, out.finish_reason, out.token_ids.length, out.token_ids);
          if (out.logprobs) rec.logprobs = out.logprobs;
        } else {
          // slime's text path: trim after the last complete action, then tokenize.
          const text = postprocessResponses(out.text);
          const e = encodeOrCount(tok, text);
          const count = e.ids ? e.count : text === out.text && out.token_ids ? out.token_ids.length : e.count;
          rec = baseTurn(turn, out.text, text, out.finish_reason, count, e.ids);
          if (e.ids && out.logprobs && text === out.text && out.logprobs.length === e.ids.length) rec.logprobs = out.logprobs;
        }
      } else if ("content" in out) {
        chatCalls = out.tool_calls;
        const fullText = out.content + chatCalls.map((c) => chatToolCallText(c)).join("");
        const e = encodeOrCount(tok, fullText);
        rec = baseTurn(turn, out.content, fullText, out.finish_reason, out.completion_tokens ?? e.count, e.ids);
      } else {
        throw new Error("model output does not match its mode");
      }
    }
    lastFinish = rec.finish_reason;

    // ---- parse ----
    if (model.mode === "text" || chatCalls.length === 0) {
      const parsed = postprocessPredictions(rec.text);
      rec.action = parsed.action;
      rec.content = parsed.content;
    } else {
      rec.action = "code";
      rec.content = chatCalls.map((c) => c.arguments).join("\n");
    }
    response += rec.text;
    addModelTokens(rec);
    // Events are snapshots: the record keeps changing after this.
    yield { type: "model", turn: structuredClone(rec) };

    if (rec.finish_reason === "length") break;
    if (rec.action === "answer") break;

    // ---- act ----
    let obsText: string;
    let kind: ObservationKind;
    let stopped = false;
    if (model.mode === "chat" && chatCalls.length > 0) {
      const parts: string[] = [];
      for (const call of chatCalls) {
        const c = codeFromChatCall(call);
        const record: ToolCallRecord = {
          id: call.id,
          name: call.name,
          code: "code" in c ? c.code : "",
          arguments: call.arguments,
        };
        rec.tool_calls.push(record);
        yield { type: "tool_call", index: turn, call: { ...record } };
        const result: ToolResult =
          "code" in c
            ? await deps.tools.codeInterpreter(c.code, signal)
            : { tool_name: call.name, status: "error", output: c.error, error: c.error, duration_ms: 0 };
        record.result = result;
        yield { type: "tool_result", index: turn, call_id: call.id, result };
        if (result.status === "cancelled" && signal.aborted) stopped = true;
        parts.push(formatObservation(result.output));
        toolCallCount += 1;
      }
      obsText = parts.join("");
      kind = "tool_messages";
    } else if (rec.action === "code") {
      const code = rec.content.trim();
      if (code) {
        const record: ToolCallRecord = { id: `t${turn}`, name: "code_interpreter", code };
        rec.tool_calls.push(record);
        yield { type: "tool_call", index: turn, call: { ...record } };
        const result = await deps.tools.codeInterpreter(code, signal);
        record.result = result;
        yield { type: "tool_result", index: turn, call_id: record.id, result };
        if (result.status === "cancelled" && signal.aborted) stopped = true;
        obsText = formatObservation(result.output);
        kind = "interpreter";
      } else {
        obsText = EMPTY_CODE_OBSERVATION;
        kind = "empty_code";
      }
      if (obsText.includes("<interpreter>")) toolCallCount += 1;
    } else {
      obsText = INVALID_ACTION_TEXT;
      kind = "invalid_action";
    }
    if (stopped) {
      status = "aborted";
      error = ABORTED_BY_USER;
      break;
    }

    // ---- observe, trimmed to the context budget ----
    const o = encodeOrCount(tok, obsText);
    const overflow = st.promptCount + st.responseCount + o.count - cfg.max_context_len;
    let obs: ObservationRecord;
    if (overflow > 0) {
      const keep = Math.max(0, o.count - overflow);
      if (o.ids && tok.decode) {
        const ids = o.ids.slice(0, keep);
        obs = { kind, text: tok.decode(ids), token_count: ids.length, token_ids: ids, trimmed: true };
      } else {
        const text = trimApprox(obsText, keep, tok);
        obs = { kind, text, token_count: tok.count(text), trimmed: true };
      }
    } else {
      obs = { kind, text: obsText, token_count: o.count, ...(o.ids ? { token_ids: o.ids } : {}), trimmed: false };
    }
    rec.observation = obs;
    addObservationTokens(obs);
    appendChatTurn(rec);
    yield { type: "observation", index: turn, observation: obs };

    if (obs.trimmed) {
      // slime re-decodes the whole response from the trimmed tokens.
      if (st.responseIds && tok.decode) decodedResponse = tok.decode(st.responseIds);
      response += obs.text;
      status = "truncated";
      break;
    }
    response += obs.text;
    if (toolCallCount >= maxToolCalls) break;
  }

  if (decodedResponse !== undefined) response = decodedResponse;
  if (!status) {
    if (signal.aborted) {
      status = "aborted";
      error = ABORTED_BY_USER;
    } else status = lastFinish === "length" ? "truncated" : lastFinish === "abort" ? "aborted" : "completed";
  }
  if (error) yield { type: "error", error };

  let reward: RewardRecord | undefined;
  if (status !== "aborted" && deps.reward) {
    try {
      reward = await deps.reward({ prompt: cfg.prompt, response, label, tool_call_count: toolCallCount });
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
    tool_call_count: toolCallCount,
    response_length: st.responseCount,
    ...(st.promptIds && st.responseIds
      ? { tokens: [...st.promptIds, ...st.responseIds], loss_mask: [...(st.lossMask ?? [])] }
      : {}),
    ...(st.responseIds && st.logprobs && st.logprobs.length === st.responseIds.length && st.logprobs.length > 0
      ? { rollout_log_probs: [...st.logprobs] }
      : {}),
    metadata: {
      backend: model.kind,
      token_counts: header.token_counts,
      ...(reward?.acc !== undefined ? { acc: reward.acc } : {}),
      ...(reward?.pred !== undefined ? { pred: reward.pred } : {}),
      ...(error ? { error } : {}),
    },
  };
  yield { type: "done", status, tool_call_count: toolCallCount, response, sample };
}

function baseTurn(
  index: number,
  raw: string,
  text: string,
  finish_reason: FinishReason,
  token_count: number,
  token_ids?: number[],
): TurnRecord {
  return {
    index,
    raw,
    text,
    finish_reason,
    token_count,
    ...(token_ids ? { token_ids } : {}),
    action: null,
    content: "",
    tool_calls: [],
  };
}

/** Chat mode keeps the content without the rendered <tool_call> blocks. */
function chatContentOf(turn: TurnRecord): string {
  return turn.raw;
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
