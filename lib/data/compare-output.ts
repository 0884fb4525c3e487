// Re-execution compares what the tool PRINTED, not the bytes each format wraps it in:
// slime's code_interpreter answers "Output:\n<stdout>" (and "\nErrors:\n<stderr>"), a ReTool
// trajectory puts that between <interpreter> tags, and a chat SFT row often keeps only the
// printed text in its `tool` message (or a JSON object with an output field). Isomorphic.
import { normalizeOutput } from "./segments";
import type { ReexecState } from "./types";

const interpreterRe = /^\s*<interpreter>\n?([\s\S]*?)\n?<\/interpreter>\s*$/;
const outputFields = ["output", "stdout", "result", "content", "text"] as const;

function jsonOutputField(s: string): string | null {
  if (!s.startsWith("{")) return null;
  try {
    const v = JSON.parse(s) as unknown;
    if (!v || typeof v !== "object" || Array.isArray(v)) return null;
    for (const f of outputFields) {
      const x = (v as Record<string, unknown>)[f];
      if (typeof x === "string") return x;
    }
  } catch {
    // not JSON: the text is what was printed
  }
  return null;
}

/** What the program printed, with the format's wrapper taken off. */
export function printedText(text: string): string {
  let s = text.replace(/\r\n/g, "\n").trim();
  const tagged = interpreterRe.exec(s);
  if (tagged) s = (tagged[1] ?? "").trim();
  const field = jsonOutputField(s);
  if (field !== null) s = field.trim();
  // slime's wrapper: "Output:\n" before stdout; an "Output:" with nothing after it printed nothing.
  if (s === "Output:") s = "";
  else if (s.startsWith("Output:\n")) s = s.slice("Output:\n".length);
  return normalizeOutput(s);
}

export interface OutputComparison {
  match: boolean;
  recorded: string;
  live: string;
}

/** Compare a recorded observation with a live tool output by what each printed. */
export function compareOutput(recorded: string, live: string): OutputComparison {
  const a = printedText(recorded);
  const b = printedText(live);
  return { match: a === b, recorded: a, live: b };
}

/** The list state of a re-executed sample: no code cells is "nothing to run", never "reproduced". */
export function reexecVerdict(rec: { cells: number; mismatches: number; errors: number }): Exclude<ReexecState, "none"> {
  if (rec.cells === 0) return "empty";
  if (rec.errors) return "error";
  return rec.mismatches ? "mismatch" : "match";
}
