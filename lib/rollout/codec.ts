// The ReTool text format in one place (slime's examples/retool/generate_with_retool.py): how an
// action and an observation are written into the response, and how a response splits back into
// model turns and observations. Isomorphic: Chat, replay, the CLI and Inspect all use it.
// (Reading the action out of a model turn is slime's parser: ./parse.)

export const OBSERVATION_TAG = "<interpreter>";
const OBSERVATION_OPEN = "\n\n<interpreter>\n";
const OBSERVATION_CLOSE = "\n</interpreter>\n\n";

/** An observation appended after a tool call (execute_predictions). */
export function formatObservation(result: string): string {
  return `${OBSERVATION_OPEN}${result}${OBSERVATION_CLOSE}`;
}

/** Observation when the action is `code` but the code is empty after strip(). */
export const EMPTY_CODE_OBSERVATION = formatObservation("Error: No Python code found");

/** Observation when no action could be parsed. */
export const INVALID_ACTION_TEXT =
  "\nMy previous action is invalid. If I want to execute code, I should put the code between <code> and </code>. " +
  "If I want to give the final answer, I should use the format 'Answer: \\boxed{answer}'. Let me try again.\n";

/** A tool call in ReTool's text format (what the model writes, and how a chat tool call reads as text). */
export function formatToolCall(name: string, args: unknown): string {
  return `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;
}

/** The block a code action is written in, by the rule that found it (for edits). */
export function formatCodeAction(source: "tool_call" | "code_tag" | "python_block", code: string): string {
  switch (source) {
    case "tool_call":
      return formatToolCall("code_interpreter", { code });
    case "code_tag":
      return `<code>\n${code}\n</code>`;
    case "python_block":
      return "```python\n" + code + "\n```";
  }
}

/** slime counts a tool call for every observation that holds the tag (the empty-code one too). */
export function countObservations(text: string): number {
  let n = 0;
  for (let i = text.indexOf(OBSERVATION_TAG); i !== -1; i = text.indexOf(OBSERVATION_TAG, i + OBSERVATION_TAG.length)) n++;
  return n;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// Exactly what the loop appends: an observation or the invalid-action text.
const EXACT_SEPARATOR = new RegExp(
  `${escape(OBSERVATION_OPEN)}[\\s\\S]*?${escape(OBSERVATION_CLOSE)}|${escape(INVALID_ACTION_TEXT)}`,
  "g",
);

/** Splits a slime response (turns + observations, as the loop wrote them) back into the assistant turns. */
export function splitAssistantTurns(response: string): string[] {
  const turns = response.split(EXACT_SEPARATOR);
  // A response that ends with an observation leaves an empty tail, not a turn.
  if (turns.length > 1 && turns[turns.length - 1] === "") turns.pop();
  return turns;
}

export interface ObservationSpan {
  /** UTF-16 offsets of the whole tagged block (without the blank lines around it). */
  start: number;
  end: number;
  /** The text between the tags, without the newline after the open tag and before the close tag. */
  result: string;
}

// Datasets written by other tools keep the tags but not always the newlines: read them leniently.
const TAGGED_OBSERVATION = /<interpreter>\n?([\s\S]*?)\n?<\/interpreter>/g;

/** Every tagged observation in a response, in order. */
export function observationSpans(response: string): ObservationSpan[] {
  return [...response.matchAll(TAGGED_OBSERVATION)].map((m) => ({ start: m.index, end: m.index + m[0].length, result: m[1] ?? "" }));
}
