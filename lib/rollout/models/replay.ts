import "server-only";
import type { CompletionOutput, CompletionRequest, ModelResult, TextModel } from "./types";

// Replays recorded assistant turns. The code in them runs live in the sandbox,
// so an edit upstream changes what the observations say.

/** Splits a slime response (turns + observations) back into the assistant turns. */
export function assistantTurnsFromResponse(response: string): string[] {
  const sep =
    /\n\n<interpreter>\n[\s\S]*?\n<\/interpreter>\n\n|\nMy previous action is invalid\. If I want to execute code, I should put the code between <code> and <\/code>\. If I want to give the final answer, I should use the format 'Answer: \\boxed\{answer\}'\. Let me try again\.\n/g;
  const turns = response.split(sep);
  // A response that ends with an observation leaves an empty tail, not a turn.
  if (turns.length > 1 && turns[turns.length - 1] === "") turns.pop();
  return turns;
}

/** Streams in small pieces so the UI shows a turn being written, like a live model. */
function chunks(text: string, size = 24): string[] {
  const cps = [...text];
  const out: string[] = [];
  for (let i = 0; i < cps.length; i += size) out.push(cps.slice(i, i + size).join(""));
  return out;
}

export function createReplayModel(turns: readonly string[], name = "recorded trajectory"): TextModel {
  return {
    mode: "text",
    kind: "replay",
    async complete(req: CompletionRequest): Promise<ModelResult<CompletionOutput>> {
      if (req.signal.aborted) return { ok: false, error: { code: "aborted:user", message: "Stopped." } };
      const text = turns[req.turn];
      if (text === undefined)
        return {
          ok: false,
          error: {
            code: "replay:exhausted",
            message: `The ${name} has ${turns.length} assistant turn(s) and the rollout needs turn ${req.turn + 1}. Edit the last turn to give an answer, or use a live model backend.`,
          },
        };
      for (const c of chunks(text)) {
        req.onDelta?.(c);
        // Yield to the event loop so the stream is observable piece by piece.
        await new Promise((r) => setImmediate(r));
        if (req.signal.aborted) return { ok: false, error: { code: "aborted:user", message: "Stopped." }, partial: text };
      }
      return { ok: true, value: { text, finish_reason: "stop" } };
    },
  };
}
