// Editing a turn's tool-call code: rewrite the turn's text so slime's parser
// finds the new code in the same kind of block the model used. Isomorphic.
import { formatCodeAction } from "./codec";
import { tracePredictions } from "./parse";

export type CodeEdit = { ok: true; text: string } | { ok: false; error: string };

export function replaceCodeInTurn(text: string, code: string): CodeEdit {
  const t = tracePredictions(text);
  if (t.action !== "code" || !t.span || !t.source)
    return { ok: false, error: "This turn has no code action to edit; edit the turn's text instead." };
  if (t.source === "answer") return { ok: false, error: "This turn has no code action to edit." };
  const [start, end] = t.span;
  return { ok: true, text: text.slice(0, start) + formatCodeAction(t.source, code) + text.slice(end) };
}
