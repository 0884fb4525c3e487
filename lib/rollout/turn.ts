import "server-only";
import type { ToolResult } from "@/lib/sandbox/types";
import type { RolloutConfig, RolloutDeps } from "./loop";
import { stoppedByUser, type ChatMessage, type ChatToolCall, type FinishReason, type ModelBackend, type SamplingParams, type ToolSpec } from "./models/types";
import { postprocessPredictions, postprocessResponses } from "./parse";
import { EMPTY_CODE_OBSERVATION, INVALID_ACTION_TEXT, countObservations, formatObservation, formatToolCall } from "./codec";
import { encodeOrCount, type TokenLedger } from "./token-ledger";
import type { TokenCounter } from "./tokens";
import type {
  ObservationKind,
  ObservationRecord,
  RolloutError,
  RolloutEvent,
  RolloutStatus,
  ToolCallRecord,
  TurnRecord,
} from "./transcript";

// One turn of slime's ReTool generate(): generate (or take the person's edit), parse the action,
// act (run the code), observe (append the observation, trimmed to the context budget).

/** What one rollout carries from turn to turn. The loop owns it; a turn updates it. */
export interface RunState {
  readonly cfg: RolloutConfig;
  readonly deps: RolloutDeps;
  readonly model: ModelBackend;
  readonly tok: TokenCounter;
  readonly signal: AbortSignal;
  readonly tools: ToolSpec[];
  readonly promptText: string;
  readonly maxToolCalls: number;
  readonly ledger: TokenLedger;
  /** Chat mode: the conversation sent to the server. */
  readonly chatMessages: ChatMessage[];
  /** The response so far (turns + observations), as slime builds it. */
  response: string;
  toolCallCount: number;
  lastFinish?: FinishReason;
  /** The person's edit for the next turn, consumed by it. */
  forced?: { text: string; tool_calls?: ChatToolCall[] };
  /** slime re-decodes the whole response from the tokens after a trimmed observation. */
  decodedResponse?: string;
}

/** How a turn ended: carry on, or stop the rollout (with a status when the turn decides it). */
export type TurnEnd = { stop: false } | { stop: true; status?: RolloutStatus; error?: RolloutError };

const CONTINUE: TurnEnd = { stop: false };
const STOP: TurnEnd = { stop: true };

/** Re-enters a kept turn (edit and re-run) into the context exactly as it was. */
export function replayKeptTurn(st: RunState, t: TurnRecord): void {
  st.response += t.text;
  st.ledger.addModelTurn(t);
  appendChatTurn(st, t);
  if (t.observation) {
    // slime counts an observation that holds "<interpreter>" (the empty-code one too).
    if (t.observation.kind === "tool_messages") st.toolCallCount += t.tool_calls.length;
    else if (countObservations(t.observation.text) > 0) st.toolCallCount += 1;
    st.ledger.addObservation(t.observation);
    st.response += t.observation.text;
  }
}

export async function* stepTurn(st: RunState, turn: number): AsyncGenerator<RolloutEvent, TurnEnd> {
  const { cfg, signal } = st;
  if (signal.aborted) return { stop: true, status: "aborted", error: stoppedByUser };
  const total = st.ledger.total;
  if (total >= cfg.max_context_len) return { stop: true, status: "truncated" };
  // Clamp this turn's generation to the remaining context budget (slime does the same).
  const sampling: SamplingParams = {
    ...cfg.sampling,
    max_new_tokens: Math.min(cfg.sampling.max_new_tokens, cfg.max_context_len - total),
  };

  yield { type: "turn_start", index: turn };
  const gen = yield* generate(st, turn, sampling);
  if ("end" in gen) return gen.end;
  const { rec, chatCalls } = gen;
  st.lastFinish = rec.finish_reason;

  // ---- parse ----
  if (st.model.kind === "agent-proxy" && chatCalls.length === 0) {
    // An agent's turn without a tool call is its final answer (there is no ReTool action format).
    rec.action = "answer";
    rec.content = rec.text;
  } else if (st.model.mode === "text" || chatCalls.length === 0) {
    const parsed = postprocessPredictions(rec.text);
    rec.action = parsed.action;
    rec.content = parsed.content;
  } else {
    rec.action = "code";
    rec.content = chatCalls.map((c) => c.arguments).join("\n");
  }
  st.response += rec.text;
  st.ledger.addModelTurn(rec);
  // Events are snapshots: the record keeps changing after this.
  yield { type: "model", turn: structuredClone(rec) };

  if (rec.finish_reason === "length") return STOP;
  if (rec.action === "answer") return STOP;

  const acted = yield* act(st, rec, chatCalls, turn);
  if (acted.stopped) return { stop: true, status: "aborted", error: stoppedByUser };

  // ---- observe, trimmed to the context budget ----
  const obs = observation(st, acted.kind, acted.text);
  rec.observation = obs;
  st.ledger.addObservation(obs);
  appendChatTurn(st, rec);
  yield { type: "observation", index: turn, observation: obs };

  if (obs.trimmed) {
    const ids = st.ledger.exactResponseIds;
    if (ids && st.tok.decode) st.decodedResponse = st.tok.decode([...ids]);
    st.response += obs.text;
    return { stop: true, status: "truncated" };
  }
  st.response += obs.text;
  if (st.toolCallCount >= st.maxToolCalls) return STOP;
  return CONTINUE;
}

/** The turn's record, or how the rollout ends when the model gave none. */
type Generated = { rec: TurnRecord; chatCalls: ChatToolCall[] } | { end: TurnEnd };

/** The model's turn (or the person's edit), streaming deltas while the request runs. */
async function* generate(st: RunState, turn: number, sampling: SamplingParams): AsyncGenerator<RolloutEvent, Generated> {
  const { model, tok, signal } = st;
  if (st.forced) {
    const { text, tool_calls = [] } = st.forced;
    st.forced = undefined;
    const ids = tok.encode?.(text);
    const fullText = model.mode === "chat" ? text + tool_calls.map((c) => chatToolCallText(c)).join("") : text;
    const rec = baseTurn(turn, text, fullText, "stop", ids ? ids.length : tok.count(fullText), ids);
    rec.edited = true;
    return { rec, chatCalls: tool_calls };
  }

  const deltas: string[] = [];
  let wake: (() => void) | undefined;
  const onDelta = (d: string) => {
    deltas.push(d);
    wake?.();
  };
  const inputIds = st.ledger.inputIds();
  const pending =
    model.mode === "text"
      ? model.complete({ turn, text: st.promptText + st.response, ...(inputIds ? { input_ids: inputIds } : {}), sampling, signal, onDelta })
      : model.chat({ turn, messages: st.chatMessages, tools: st.tools, sampling, signal, onDelta });
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
    if (res.partial) {
      // Keep what arrived: it is shown, but it never enters the sample.
      yield { type: "model", turn: baseTurn(turn, res.partial, res.partial, "abort", tok.count(res.partial)) };
    }
    return { end: { stop: true, status: "aborted", error: res.error } };
  }
  const out = res.value;
  st.lastFinish = out.finish_reason;
  if (out.finish_reason === "abort") {
    yield { type: "model", turn: baseTurn(turn, "text" in out ? out.text : out.content, "", "abort", 0) };
    const error: RolloutError = { code: "unavailable:model", message: "The model server aborted the generation (finish_reason abort)." };
    return { end: { stop: true, status: "aborted", error } };
  }
  if (model.mode === "text" && "text" in out) {
    if (out.token_ids && tok.decode) {
      // slime: the server's tokens are the truth; the text is their decoding.
      const rec = baseTurn(turn, out.text, tok.decode(out.token_ids), out.finish_reason, out.token_ids.length, out.token_ids);
      if (out.logprobs) rec.logprobs = out.logprobs;
      return { rec, chatCalls: [] };
    }
    // slime's text path: trim after the last complete action, then tokenize.
    const text = postprocessResponses(out.text);
    const e = encodeOrCount(tok, text);
    const count = e.ids ? e.count : text === out.text && out.token_ids ? out.token_ids.length : e.count;
    const rec = baseTurn(turn, out.text, text, out.finish_reason, count, e.ids);
    if (e.ids && out.logprobs && text === out.text && out.logprobs.length === e.ids.length) rec.logprobs = out.logprobs;
    return { rec, chatCalls: [] };
  }
  if ("content" in out) {
    const fullText = out.content + out.tool_calls.map((c) => chatToolCallText(c)).join("");
    const e = encodeOrCount(tok, fullText);
    const rec = baseTurn(turn, out.content, fullText, out.finish_reason, out.completion_tokens ?? e.count, e.ids);
    return { rec, chatCalls: out.tool_calls };
  }
  throw new Error("model output does not match its mode");
}

/** Runs the turn's action in the sandbox; the text that becomes its observation. */
async function* act(
  st: RunState,
  rec: TurnRecord,
  chatCalls: ChatToolCall[],
  turn: number,
): AsyncGenerator<RolloutEvent, { text: string; kind: ObservationKind; stopped: boolean }> {
  const { signal } = st;
  let stopped = false;
  if (st.model.mode === "chat" && chatCalls.length > 0) {
    const parts: string[] = [];
    const runAny = st.deps.tools.run;
    for (const call of chatCalls) {
      const c = runAny ? anyToolCall(call) : codeFromChatCall(call);
      const record: ToolCallRecord = { id: call.id, name: call.name, code: "code" in c ? c.code : "", arguments: call.arguments };
      rec.tool_calls.push(record);
      yield { type: "tool_call", index: turn, call: { ...record } };
      const result: ToolResult =
        "error" in c
          ? { tool_name: call.name, status: "error", output: c.error, error: c.error, duration_ms: 0 }
          : runAny && "args" in c
            ? await runAny(call.name, c.args, signal)
            : await st.deps.tools.codeInterpreter(c.code, signal);
      record.result = result;
      yield { type: "tool_result", index: turn, call_id: call.id, result };
      if (result.status === "cancelled" && signal.aborted) stopped = true;
      parts.push(formatObservation(result.output));
      st.toolCallCount += 1;
    }
    return { text: parts.join(""), kind: "tool_messages", stopped };
  }
  if (rec.action !== "code") return { text: INVALID_ACTION_TEXT, kind: "invalid_action", stopped };
  const code = rec.content.trim();
  let text: string;
  let kind: ObservationKind;
  if (code) {
    const record: ToolCallRecord = { id: `t${turn}`, name: "code_interpreter", code };
    rec.tool_calls.push(record);
    yield { type: "tool_call", index: turn, call: { ...record } };
    const result = await st.deps.tools.codeInterpreter(code, signal);
    record.result = result;
    yield { type: "tool_result", index: turn, call_id: record.id, result };
    if (result.status === "cancelled" && signal.aborted) stopped = true;
    text = formatObservation(result.output);
    kind = "interpreter";
  } else {
    text = EMPTY_CODE_OBSERVATION;
    kind = "empty_code";
  }
  if (countObservations(text) > 0) st.toolCallCount += 1;
  return { text, kind, stopped };
}

/** The observation record, cut to what is left of the context budget. */
function observation(st: RunState, kind: ObservationKind, text: string): ObservationRecord {
  const { tok } = st;
  const o = encodeOrCount(tok, text);
  const overflow = st.ledger.total + o.count - st.cfg.max_context_len;
  if (overflow <= 0) return { kind, text, token_count: o.count, ...(o.ids ? { token_ids: o.ids } : {}), trimmed: false };
  const keep = Math.max(0, o.count - overflow);
  if (o.ids && tok.decode) {
    const ids = o.ids.slice(0, keep);
    return { kind, text: tok.decode(ids), token_count: ids.length, token_ids: ids, trimmed: true };
  }
  const cut = trimApprox(text, keep, tok);
  return { kind, text: cut, token_count: tok.count(cut), trimmed: true };
}

function appendChatTurn(st: RunState, turn: TurnRecord): void {
  if (st.model.mode !== "chat") return;
  const calls = turn.tool_calls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments ?? "" }));
  // Chat mode keeps the content without the rendered <tool_call> blocks.
  st.chatMessages.push({ role: "assistant", content: turn.raw, ...(calls.length ? { tool_calls: calls } : {}) });
  if (!turn.observation) return;
  if (calls.length > 0)
    for (const c of turn.tool_calls) st.chatMessages.push({ role: "tool", tool_call_id: c.id, content: c.result?.output ?? "" });
  else st.chatMessages.push({ role: "user", content: turn.observation.text });
}

/** Keeps the first `keepTokens` tokens' worth of an observation when no tokenizer is loaded. */
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

function chatToolCallText(call: ChatToolCall): string {
  // How the same call reads in ReTool's text format, so reward and raw view see it.
  let args: unknown = call.arguments;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    // keep the raw string
  }
  return formatToolCall(call.name, args);
}

/** Any sandbox tool's call: its arguments, and the text a person reads as its code. */
function anyToolCall(call: ChatToolCall): { code: string; args: unknown } | { error: string } {
  let args: unknown;
  try {
    args = JSON.parse(call.arguments || "{}");
  } catch (e) {
    return { error: `Error: invalid tool arguments (${(e as Error).message})` };
  }
  const a = (args && typeof args === "object" ? args : {}) as Record<string, unknown>;
  const shown = [a.code, a.command, a.cmd].find((v): v is string => typeof v === "string");
  return { code: shown ?? call.arguments, args };
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

export function baseTurn(
  index: number,
  raw: string,
  text: string,
  finish_reason: FinishReason,
  token_count: number,
  token_ids?: number[],
): TurnRecord {
  return { index, raw, text, finish_reason, token_count, ...(token_ids ? { token_ids } : {}), action: null, content: "", tool_calls: [] };
}
