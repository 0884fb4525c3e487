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

/** Turns of a response: each model turn followed by the observation it received. */
export function segmentResponse(response: string): Turn[] {
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
