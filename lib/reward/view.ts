// "The reward's view": the exact text a reward function read, and the span it found there.
import { pySlice } from "@/lib/pycompat/str";
import { isCorrectMinerva, traceDapo } from "./math-dapo";
import { extractAnswer, lastBoxedOnlyStringLoose } from "./math-utils";

export interface RewardView {
  /** The text the reward function actually read (e.g. math_dapo: the last 300 code points). */
  text: string;
  /** How `text` was cut from the input. */
  description: string;
  /** UTF-16 offsets in `text` of the box/answer the function used, or null if none. */
  span: { start: number; end: number } | null;
  /** The extracted prediction, as the reward function saw it. */
  pred: string | null;
}

/** What each reward type reads from prompt + response. */
export function rewardView(type: string, input: { prompt?: string | null; response: string; label?: unknown }): RewardView {
  const base = type.startsWith("boxed_") ? type.slice("boxed_".length) : type;
  if (type === "retool") {
    const solution = (input.prompt ?? "") + input.response;
    const t = traceDapo(solution, input.label ?? "", true);
    // The strict check searches only tail[-100:]; express the span in `tail` coordinates.
    const offset = t.tail.length - t.window.length;
    return {
      text: t.tail,
      description: "(prompt + response)[-300:], box searched in the last 100 characters",
      span: t.span ? { start: t.span.start + offset, end: t.span.end + offset } : null,
      pred: t.pred,
    };
  }
  if (type.startsWith("boxed_")) {
    const box = lastBoxedOnlyStringLoose(input.response);
    return {
      text: input.response,
      description: `last \\boxed{} of the response, then scored as ${base}`,
      span: box ? { start: box.start, end: box.end } : null,
      pred: extractAnswer(input.response),
    };
  }
  if (base === "dapo") {
    const tail = pySlice(input.response, -300);
    let span: RewardView["span"] = null;
    let pred: string | null = null;
    try {
      const r = isCorrectMinerva(tail, String(input.label ?? "0"));
      span = r.span;
      pred = r.pred;
    } catch {
      // label not numeric: slime raises; the view still shows the tail.
    }
    return { text: tail, description: "response[-300:], last 'Answer:' line", span, pred };
  }
  if (base === "math" || base === "deepscaler") {
    const text = base === "deepscaler" ? deepscalerSolution(input.response) : input.response;
    const box = lastBoxedOnlyStringLoose(text);
    return {
      text,
      description: base === "deepscaler" ? "response after the last </think>, last \\boxed{}" : "response, last \\boxed{}",
      span: box ? { start: box.start, end: box.end } : null,
      pred: extractAnswer(text),
    };
  }
  return { text: input.response, description: "whole response", span: null, pred: null };
}

function deepscalerSolution(response: string): string {
  if (response.includes("</think>")) return response.split("</think>").at(-1)!;
  if (response.includes("###Response")) return response.split("###Response")[1]!;
  return "";
}
