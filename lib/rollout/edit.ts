// Editing a turn's tool-call code: rewrite the turn's text so slime's parser
// finds the new code in the same kind of block the model used. Isomorphic.
import { appError } from "@/lib/errors";
import { err, ok, type Result } from "@/lib/result";
import { formatCodeAction } from "./codec";
import { tracePredictions } from "./parse";

/** The turn's text with its code action's block replaced. */
export function replaceCodeInTurn(text: string, code: string): Result<string> {
  const t = tracePredictions(text);
  if (t.action !== "code" || !t.span || !t.source || t.source === "answer")
    return err(appError("bad_request:edit", "This turn has no code action to edit; edit the turn's text instead."));
  const [start, end] = t.span;
  return ok(text.slice(0, start) + formatCodeAction(t.source, code) + text.slice(end));
}
