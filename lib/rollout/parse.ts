// slime's ReTool action parsing (examples/retool/generate_with_retool.py), with Python's regex,
// str and json semantics: `\s` and strip() use Python's whitespace set, `.` under DOTALL, json.loads
// accepts NaN/Infinity and rejects raw control characters inside strings.
import { pyJsonLoads, JsonDecodeError } from "@/lib/pycompat/json";
import { PY_S, pyStrip } from "@/lib/pycompat/str";

export type ActionKind = "code" | "answer";
export interface ParsedAction {
  action: ActionKind | null;
  content: string;
}

// `Answer: \boxed{...}` whose content may hold one level of nested braces.
const ANSWER_SRC = `Answer:${PY_S}*\\\\boxed\\{((?:[^{}]|\\{[^{}]*\\})*)\\}`;
const ANSWER_RE = new RegExp(ANSWER_SRC, "su");
const TOOL_CALL_RE = new RegExp(`<tool_call>${PY_S}*(\\{.*?\\})${PY_S}*</tool_call>`, "su");
const CODE_RE = /<code>(.*?)<\/code>/su;
const PYTHON_BLOCK_RE = new RegExp("```python" + `${PY_S}*(.*?)${PY_S}*` + "```", "su");

/** The first match of each kind, where it is, and why a <tool_call> was or was not used. */
export interface ParseTrace extends ParsedAction {
  /** Which rule produced the action. */
  source: "answer" | "tool_call" | "code_tag" | "python_block" | null;
  /** UTF-16 offsets of the whole match in the input (for highlighting). */
  span: [number, number] | null;
  /** Why a <tool_call> block (if any) was skipped. */
  toolCallRejected?: string;
}

/**
 * slime's postprocess_predictions: priority answer > <tool_call> > <code> > ```python.
 * Throws a PyError only where Python would raise out of the function (an integer literal of more
 * than 4300 digits inside the tool-call JSON: ValueError is not a JSONDecodeError).
 */
export function postprocessPredictions(text: string): ParsedAction {
  const { action, content } = tracePredictions(text);
  return { action, content };
}

export function tracePredictions(text: string): ParseTrace {
  const answer = ANSWER_RE.exec(text);
  if (answer) {
    return { action: "answer", content: pyStrip(answer[1]!), source: "answer", span: spanOf(answer) };
  }

  let toolCallRejected: string | undefined;
  const tool = TOOL_CALL_RE.exec(text);
  if (tool) {
    // slime escapes every raw newline (also those between JSON tokens, which then breaks the JSON).
    const jsonStr = tool[1]!.replace(/\n/g, "\\n");
    let data: unknown;
    try {
      data = pyJsonLoads(jsonStr);
    } catch (e) {
      if (!(e instanceof JsonDecodeError)) throw e;
      toolCallRejected = `invalid JSON (${e.message})`;
    }
    if (toolCallRejected === undefined) {
      // The JSON starts with "{" so it is an object.
      const obj = data as Record<string, unknown>;
      const name = Object.hasOwn(obj, "name") ? obj.name : undefined;
      if (name === "code_interpreter") {
        const args = Object.hasOwn(obj, "arguments") ? obj.arguments : {};
        // arguments.get("code", "") then code.strip(): AttributeError unless a dict / a str.
        if (typeof args !== "object" || args === null || Array.isArray(args)) {
          toolCallRejected = "arguments is not an object";
        } else {
          const a = args as Record<string, unknown>;
          const code = Object.hasOwn(a, "code") ? a.code : "";
          if (typeof code !== "string") toolCallRejected = "arguments.code is not a string";
          else if (pyStrip(code) === "") toolCallRejected = "arguments.code is empty";
          else return { action: "code", content: code, source: "tool_call", span: spanOf(tool) };
        }
      } else {
        toolCallRejected = `tool name is ${JSON.stringify(name ?? null)}, only code_interpreter runs`;
      }
    }
  }

  const code = CODE_RE.exec(text);
  if (code) {
    return { action: "code", content: pyStrip(code[1]!), source: "code_tag", span: spanOf(code), ...rej(toolCallRejected) };
  }
  const py = PYTHON_BLOCK_RE.exec(text);
  if (py) {
    return { action: "code", content: pyStrip(py[1]!), source: "python_block", span: spanOf(py), ...rej(toolCallRejected) };
  }
  return { action: null, content: "", source: null, span: null, ...rej(toolCallRejected) };
}

function rej(r: string | undefined): { toolCallRejected?: string } {
  return r === undefined ? {} : { toolCallRejected: r };
}

function spanOf(m: RegExpExecArray): [number, number] {
  return [m.index, m.index + m[0].length];
}

const TOOL_CALL_ALL = new RegExp(`<tool_call>${PY_S}*\\{.*?\\}${PY_S}*</tool_call>`, "gsu");
const PYTHON_ALL = new RegExp("```python" + `${PY_S}*.*?` + "```", "gsu");
const ANSWER_ALL = new RegExp(ANSWER_SRC, "gsu");

function cutAfterLast(resp: string, re: RegExp): string | null {
  let last: RegExpExecArray | null = null;
  for (const m of resp.matchAll(re)) last = m as RegExpExecArray;
  return last ? resp.slice(0, last.index + last[0].length) : null;
}

/** slime's postprocess_responses: cut the text after the last complete action. */
export function postprocessResponses(resp: string): string {
  if (resp.includes("<tool_call>")) {
    const cut = cutAfterLast(resp, TOOL_CALL_ALL);
    if (cut !== null) return cut;
  }
  if (resp.includes("</code>")) return resp.split("</code>")[0] + "</code>";
  if (resp.includes("```python")) {
    const cut = cutAfterLast(resp, PYTHON_ALL);
    if (cut !== null) return cut;
  }
  if (resp.includes("Answer:") && resp.includes("\\boxed{")) {
    const cut = cutAfterLast(resp, ANSWER_ALL);
    if (cut !== null) return cut;
  }
  return resp;
}
