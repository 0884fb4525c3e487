// Editing a turn's tool-call code: rewrite the turn's text so slime's parser
// finds the new code in the same kind of block the model used. Only the code changes: the
// block's own spacing and key order stay as the model wrote them, so the turn's other tokens
// stay the same. Isomorphic.
import { appError } from "@/lib/errors";
import { err, ok, type Result } from "@/lib/result";
import { formatCodeAction } from "./codec";
import { tracePredictions } from "./parse";

/** The turn's text with its code action's code replaced. */
export function replaceCodeInTurn(text: string, code: string): Result<string> {
  const t = tracePredictions(text);
  if (t.action !== "code" || !t.span || !t.source || t.source === "answer")
    return err(appError("bad_request:edit", "This turn has no code action to edit; edit the turn's text instead."));
  const [start, end] = t.span;
  const block = text.slice(start, end);
  const edited = t.source === "tool_call" ? replaceCodeInJson(block, t.content, code) : replaceOnce(block, t.content, code);
  return ok(text.slice(0, start) + (edited ?? formatCodeAction(t.source, code)) + text.slice(end));
}

function replaceOnce(block: string, old: string, code: string): string | null {
  const i = old ? block.indexOf(old) : -1;
  return i < 0 ? null : block.slice(0, i) + code + block.slice(i + old.length);
}

// A "code" key and its JSON string literal (raw newlines allowed: slime escapes them before parsing).
const CODE_LITERAL = /"code"(\s*:\s*)("(?:[^"\\]|\\.)*")/g;

/**
 * JSON text (a tool call, or a chat call's `arguments`) with only the string literal of the `code`
 * whose value is `old` replaced by `code`; null when there is no such literal.
 */
export function replaceCodeInJson(json: string, old: string, code: string): string | null {
  for (const m of json.matchAll(CODE_LITERAL)) {
    let value: unknown;
    try {
      value = JSON.parse(m[2]!.replace(/\n/g, "\\n"));
    } catch {
      continue;
    }
    if (value !== old) continue;
    const at = m.index + m[0].length - m[2]!.length;
    return json.slice(0, at) + JSON.stringify(code) + json.slice(at + m[2]!.length);
  }
  return null;
}
