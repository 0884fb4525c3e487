// Re-running from an edited turn: which turns are kept and what the forced next turn is.
// Isomorphic (pure).
import { appError } from "@/lib/errors";
import { err, ok, type Result } from "@/lib/result";
import { replaceCodeInJson, replaceCodeInTurn } from "./edit";
import type { ResumeFrom } from "./loop";
import type { ChatToolCall } from "./models/types";
import type { RolloutRecord, TurnRecord } from "./transcript";

export interface RerunFrom {
  run_id: string;
  turn: number;
  /** New text for that turn, or new code for its tool call. */
  text?: string;
  code?: string;
  call_index?: number;
}

/** The turns before the edited one, kept as they were, and the edited turn forced in their place. */
export function buildResume(base: { n: number; record: RolloutRecord }, from: RerunFrom): Result<ResumeFrom> {
  const turn = base.record.turns.find((t) => t.index === from.turn);
  if (!turn) return err(appError("bad_request:turn", `Run ${base.n} has no turn ${from.turn + 1}.`));
  const forced = forcedTurn(base.record.mode, turn, from);
  if (!forced.ok) return forced;
  return ok({ kept: base.record.turns.filter((t) => t.index < from.turn), forced: forced.value });
}

function forcedTurn(mode: "text" | "chat", turn: TurnRecord, from: RerunFrom): Result<NonNullable<ResumeFrom["forced"]>> {
  const bad = (message: string) => err(appError("bad_request:edit", message));
  if (from.code === undefined) {
    if (from.text === undefined) return bad("Give the new text or the new code.");
    return ok({ text: from.text, ...(mode === "chat" ? { tool_calls: chatCalls(turn) } : {}) });
  }
  if (mode === "chat") {
    const i = from.call_index ?? 0;
    const calls = chatCalls(turn);
    if (!calls[i]) return bad("That tool call does not exist.");
    const call = calls[i]!;
    // Only the code changes: the arguments keep the model's own spacing and other keys.
    const old = turn.tool_calls[i]?.code;
    const kept = old !== undefined && call.arguments ? replaceCodeInJson(call.arguments, old, from.code) : null;
    calls[i] = { ...call, arguments: kept ?? JSON.stringify({ code: from.code }) };
    return ok({ text: turn.raw, tool_calls: calls });
  }
  const r = replaceCodeInTurn(turn.text, from.code);
  return r.ok ? ok({ text: r.value }) : r;
}

function chatCalls(turn: TurnRecord): ChatToolCall[] {
  return turn.tool_calls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments ?? JSON.stringify({ code: c.code }) }));
}
