// Editing a turn's tool-call code: rewrite the turn's text so slime's parser
// finds the new code in the same kind of block the model used. Isomorphic.
import { tracePredictions } from "./parse";

export type CodeEdit = { ok: true; text: string } | { ok: false; error: string };

export function replaceCodeInTurn(text: string, code: string): CodeEdit {
  const t = tracePredictions(text);
  if (t.action !== "code" || !t.span || !t.source)
    return { ok: false, error: "This turn has no code action to edit; edit the turn's text instead." };
  const [start, end] = t.span;
  let block: string;
  switch (t.source) {
    case "tool_call":
      block = `<tool_call>\n${JSON.stringify({ name: "code_interpreter", arguments: { code } })}\n</tool_call>`;
      break;
    case "code_tag":
      block = `<code>\n${code}\n</code>`;
      break;
    case "python_block":
      block = "```python\n" + code + "\n```";
      break;
    default:
      return { ok: false, error: "This turn has no code action to edit." };
  }
  return { ok: true, text: text.slice(0, start) + block + text.slice(end) };
}
