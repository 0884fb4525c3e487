import "server-only";
import { commonPrefixLen, tokenKindLabel, type ExplainedSample } from "@/lib/agent/trajectory";
import { recentTraffic } from "@/lib/traffic/recorder";
import type { TokenPiece } from "@/components/tokens/pieces";
import { promptEncoder } from "./prompt";
import { getSession, sessionPreview, summary, type AgentSession } from "./sessions";
import type { AgentTurn } from "./session-types";
import type { AgentSessionView, SampleRow, SandboxCallRow, TokenViewData, TurnRow } from "./view-types";

// The Agents page's reads: one session as rows (turns, the tree, the Samples, the sandbox calls
// that carry its key), and the token views of one turn or one Sample.

/** Prompt tokens shown before a turn's drift boundary (the rest of the history is the earlier turns'). */
const CONTEXT_BEFORE_BOUNDARY = 48;

function driftOf(prev: AgentTurn | undefined, t: AgentTurn): { at: number; held: number } | null {
  if (!prev) return null;
  const held = prev.prompt_ids.length + prev.output_ids.length;
  const a = commonPrefixLen(prev.prompt_ids, t.prompt_ids);
  if (a < prev.prompt_ids.length) return { at: a, held };
  return { at: a + commonPrefixLen(prev.output_ids, t.prompt_ids.slice(a)), held };
}

function turnRow(t: AgentTurn, prev: AgentTurn | undefined): TurnRow {
  let last = -1;
  for (let i = t.prompt_messages.length - 1; i >= 0; i--) {
    if (t.prompt_messages[i]!.role === "assistant") {
      last = i;
      break;
    }
  }
  const tail = t.prompt_messages.slice(last + 1).slice(-8);
  const drift = driftOf(prev, t);
  return {
    index: t.index,
    time: t.time,
    api: t.api,
    stream: t.stream,
    finish_reason: t.finish_reason,
    ill_formed: t.ill_formed,
    ...(t.ill_formed_reason ? { ill_formed_reason: t.ill_formed_reason } : {}),
    prompt_len: t.prompt_ids.length,
    output_len: t.output_ids.length,
    duration_ms: t.duration_ms,
    upstream_ms: t.upstream_ms,
    tokens_exact: t.tokens_exact,
    prompt_tail: tail,
    prompt_head: t.prompt_messages.length - tail.length,
    response: t.response_message,
    drift_at: drift?.at ?? null,
    held: drift?.held ?? null,
  };
}

function sampleRow(e: ExplainedSample, i: number): SampleRow {
  const s = e.sample;
  return {
    index: i,
    tokens: s.tokens.length,
    response_length: s.response_length,
    trained: s.loss_mask.reduce((a, b) => a + (b > 0 ? 1 : 0), 0),
    reward: s.reward,
    status: s.status,
    metadata: s.metadata,
    turn_indices: e.turn_indices,
    leaf_node_id: e.leaf_node_id,
    forked_by: e.forked_by,
    realigns: e.realigns,
  };
}

function sandboxCalls(s: AgentSession): SandboxCallRow[] {
  const sid = s.sid;
  const fromTraffic = recentTraffic()
    .filter((r) => r.session_id === sid && r.api !== "agent")
    .map((r) => ({
      id: r.id,
      time: r.time,
      api: r.api,
      route: r.route,
      status: r.status,
      outcome: r.outcome,
      run_ms: r.run_ms,
      ...(r.tool_name ? { tool_name: r.tool_name } : {}),
      ...(r.language ? { language: r.language } : {}),
      ...(r.code ? { code: r.code.slice(0, 4000) } : {}),
      ...(r.stdout ? { stdout: r.stdout.slice(0, 4000) } : {}),
      ...(r.stderr ? { stderr: r.stderr.slice(0, 2000) } : {}),
      ...(r.message ? { message: r.message.slice(0, 1000) } : {}),
    }));
  if (!s.local_calls?.length) return fromTraffic;
  return [...fromTraffic, ...s.local_calls].sort((a, b) => a.time - b.time);
}

function explained(s: AgentSession): { samples: ExplainedSample[]; final: boolean } {
  if (s.finished) return { samples: s.finished.samples, final: true };
  return { samples: sessionPreview(s)?.samples ?? [], final: false };
}

/** `lastTurns`: only the newest turn rows (0 = all): a long session's page stays cheap to poll and draw. */
export function sessionView(sid: string, lastTurns = 0): AgentSessionView | undefined {
  const s = getSession(sid);
  if (!s) return undefined;
  const { samples, final } = explained(s);
  const from = lastTurns > 0 ? Math.max(0, s.turns.length - lastTurns) : 0;
  return {
    session: summary(s),
    turns: s.turns.slice(from).map((t, i) => turnRow(t, s.turns[from + i - 1])),
    turns_omitted: from,
    tree: sessionPreview(s)?.tree ?? null,
    samples: samples.map(sampleRow),
    samples_final: final,
    sandbox_calls: sandboxCalls(s),
  };
}


/** One turn: its prompt from shortly before the drift boundary, then its output (trained, with logprobs). */
export async function turnTokens(sid: string, index: number): Promise<TokenViewData | undefined> {
  const s = getSession(sid);
  const t = s?.turns[index];
  if (!s || !t) return undefined;
  const enc = await promptEncoder();
  if (!enc.ok) return undefined;
  const drift = driftOf(s.turns[index - 1], t);
  const from = Math.max(0, Math.min(drift?.at ?? 0, t.prompt_ids.length) - CONTEXT_BEFORE_BOUNDARY);
  const promptIds = t.prompt_ids.slice(from);
  const texts = enc.value.pieces([...promptIds, ...t.output_ids]);
  const pieces: TokenPiece[] = promptIds.map((id, i) => ({
    id,
    text: texts[i] ?? "",
    mask: null,
    ...(drift && from + i === drift.at && drift.at < drift.held ? { mark: `drift boundary: the prompt leaves the held tokens here (${drift.held - drift.at} held tokens differ)` } : {}),
  }));
  t.output_ids.forEach((id, i) => {
    const lp = t.output_log_probs[i];
    pieces.push({ id, text: texts[promptIds.length + i] ?? "", mask: 1, ...(lp !== undefined ? { logprob: lp } : {}), note: "output (trained unless re-emitted)" });
  });
  return { pieces, source: `${enc.value.source}${t.tokens_exact ? "" : " · re-tokenized OpenAI upstream answer, not the model's tokens"}`, offset: from, total: t.prompt_ids.length + t.output_ids.length };
}

/** One Sample: every token with its mask and why (prompt, tool output, trained, re-emitted as context, healed after drift). */
export async function sampleTokens(sid: string, k: number): Promise<TokenViewData | undefined> {
  const s = getSession(sid);
  if (!s) return undefined;
  const e = explained(s).samples[k];
  if (!e) return undefined;
  const enc = await promptEncoder();
  if (!enc.ok) return undefined;
  const smp = e.sample;
  const texts = enc.value.pieces(smp.tokens);
  const promptLen = smp.tokens.length - smp.response_length;
  const kindAt = new Array<string>(smp.tokens.length).fill("");
  for (const sp of e.spans) for (let i = sp.start; i < Math.min(sp.end, kindAt.length); i++) kindAt[i] = tokenKindLabel[sp.kind];
  const marks = new Map<number, string>();
  if (e.forked_by) marks.set(0, `forked: this Sample opened at a drift (common prefix ${e.forked_by.at} of ${e.forked_by.held} held tokens)`);
  for (const r of e.realigns) if (r.response_start !== undefined) marks.set(r.response_start, `healed after drift: response overwritten from the next prompt (boundary at ${r.at})`);
  const pieces: TokenPiece[] = smp.tokens.map((id, i) => {
    const r = i - promptLen;
    const lp = r >= 0 ? smp.rollout_log_probs[r] : undefined;
    const mask = r < 0 ? null : (smp.loss_mask[r] ?? 0) > 0 ? 1 : 0;
    return {
      id,
      text: texts[i] ?? "",
      mask,
      ...(mask === 1 && lp !== undefined ? { logprob: lp } : {}),
      ...(kindAt[i] ? { note: kindAt[i] } : {}),
      ...(marks.has(i) ? { mark: marks.get(i)! } : {}),
    };
  });
  return { pieces, source: enc.value.source, offset: 0, total: smp.tokens.length };
}
