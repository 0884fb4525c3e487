// Split a trajectory into turns: model text, code, interpreter output and answer.
// The action in each model turn is found with slime's own parsing rules (lib/rollout/parse).
import { observationSpans } from "@/lib/rollout/codec";
import { tracePredictions } from "@/lib/rollout/parse";
import type { CodeCell, Segment, Turn } from "./types";

function trimBlankLines(s: string): string {
  return s.replace(/^\n+/, "").replace(/\n+$/, "");
}

function modelSegments(chunk: string, cell: { n: number }): Segment[] {
  const text = trimBlankLines(chunk);
  if (!text) return [];
  let trace: ReturnType<typeof tracePredictions> | null = null;
  try {
    trace = tracePredictions(text);
  } catch {
    trace = null; // slime would raise here; show the turn as plain text
  }
  if (!trace || !trace.action || !trace.span) return [{ kind: "text", text }];
  const [a, b] = trace.span;
  const out: Segment[] = [];
  const before = trimBlankLines(text.slice(0, a));
  const after = trimBlankLines(text.slice(b));
  if (before) out.push({ kind: "text", text: before });
  if (trace.action === "answer") out.push({ kind: "answer", text: trace.content });
  else out.push({ kind: "code", text: trace.content, lang: trace.source === "tool_call" ? "code_interpreter" : "python", cell: cell.n++ });
  if (after) out.push({ kind: "text", text: after });
  return out;
}

/**
 * A multi-turn format other than ReTool's: the model's action between `<action>` tags, the
 * environment's reply between `<observation>` tags, the final answer between `<answer>` tags
 * (search-r1: `<search>` / `<information>` / `<answer>`).
 */
export interface TurnTags {
  action: string;
  observation: string;
  answer?: string;
}
export const searchR1Tags: TurnTags = { action: "search", observation: "information", answer: "answer" };

const tagName = /^[A-Za-z_][\w.:-]*$/;
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** "search/information" or "search/information/answer" (a settings field) → tags; null if malformed. */
export function parseTurnTags(spec: string): TurnTags | null {
  const [action, observation, answer, ...rest] = spec.split("/").map((x) => x.trim().replace(/^<|>$/g, ""));
  if (rest.length || !action || !observation || ![action, observation, answer ?? "a"].every((t) => tagName.test(t))) return null;
  return answer ? { action, observation, answer } : { action, observation };
}

/** The tags a response uses when it is not ReTool's: search-r1's when it has `<information>` and no `<interpreter>`. */
export function detectTurnTags(response: string): TurnTags | null {
  return response.includes("<information>") && response.includes("<search>") && !response.includes("<interpreter>") ? searchR1Tags : null;
}

function taggedSpans(text: string, tag: string): { start: number; end: number; inner: string }[] {
  const re = new RegExp(`<${esc(tag)}>\\n?([\\s\\S]*?)\\n?</${esc(tag)}>`, "g");
  return [...text.matchAll(re)].map((m) => ({ start: m.index, end: m.index + m[0].length, inner: m[1] ?? "" }));
}

function taggedModelSegments(chunk: string, tags: TurnTags): Segment[] {
  const text = trimBlankLines(chunk);
  if (!text) return [];
  // The turn's action is its last action block (the environment answers that one); an answer block
  // is the final answer. Everything around them stays text.
  const marks = [...taggedSpans(text, tags.action).map((m) => ({ ...m, kind: "code" as const })), ...(tags.answer ? taggedSpans(text, tags.answer).map((m) => ({ ...m, kind: "answer" as const })) : [])].sort((x, y) => x.start - y.start);
  const out: Segment[] = [];
  let at = 0;
  for (const m of marks) {
    if (m.start < at) continue;
    const before = trimBlankLines(text.slice(at, m.start));
    if (before) out.push({ kind: "text", text: before });
    // No cell number: a search query is not code the sandbox could re-run.
    out.push(m.kind === "code" ? { kind: "code", text: m.inner.trim(), lang: tags.action } : { kind: "answer", text: m.inner.trim() });
    at = m.end;
  }
  const after = trimBlankLines(text.slice(at));
  if (after) out.push({ kind: "text", text: after });
  return out;
}

function segmentTagged(response: string, tags: TurnTags): Turn[] {
  const turns: Turn[] = [];
  let last = 0;
  for (const o of taggedSpans(response, tags.observation)) {
    const segments = taggedModelSegments(response.slice(last, o.start), tags);
    segments.push({ kind: "interpreter", text: o.inner, lang: tags.observation });
    turns.push({ index: turns.length, segments });
    last = o.end;
  }
  const tail = taggedModelSegments(response.slice(last), tags);
  if (tail.length) turns.push({ index: turns.length, segments: tail });
  return turns;
}

/**
 * Turns of a response: each model turn followed by the observation it received. ReTool's tags by
 * default; other formats by their tag pair (given, or search-r1's when the response uses them).
 */
export function segmentResponse(response: string, tags?: TurnTags | null): Turn[] {
  const other = tags === undefined ? detectTurnTags(response) : tags;
  if (other) return segmentTagged(response, other);
  const turns: Turn[] = [];
  const cell = { n: 0 };
  let last = 0;
  for (const o of observationSpans(response)) {
    const segments = modelSegments(response.slice(last, o.start), cell);
    segments.push({ kind: "interpreter", text: o.result });
    turns.push({ index: turns.length, segments });
    last = o.end;
  }
  const tail = modelSegments(response.slice(last), cell);
  if (tail.length) turns.push({ index: turns.length, segments: tail });
  return turns;
}

/** The code cells of a response with the output recorded right after each. */
export function codeCells(turns: Turn[]): CodeCell[] {
  const cells: CodeCell[] = [];
  for (const t of turns) {
    t.segments.forEach((s, k) => {
      if (s.kind !== "code" || s.cell === undefined) return;
      const obs = t.segments.slice(k + 1).find((x) => x.kind === "interpreter");
      cells.push({ cell: s.cell, turn: t.index, code: s.text, recorded: obs ? obs.text : null });
    });
  }
  return cells;
}

/** Outputs match when they differ only in trailing whitespace. */
export function normalizeOutput(s: string): string {
  return s
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .trim();
}

/** The response text up to and including a turn (for "Open in Chat" from that turn). */
export function responseUpToTurn(response: string, turn: number): string {
  let count = 0;
  for (const o of observationSpans(response)) {
    if (count === turn) return response.slice(0, o.end);
    count++;
  }
  return response;
}
