import "server-only";
import { stoppedByUser, type CompletionOutput, type CompletionRequest, type ModelResult, type TextModel } from "./types";

// Replays recorded assistant turns. The code in them runs live in the sandbox,
// so an edit upstream changes what the observations say.

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
      if (req.signal.aborted) return { ok: false, error: stoppedByUser };
      const text = turns[req.turn];
      if (text === undefined)
        return {
          ok: false,
          error: {
            code: "not_found:replay_turn",
            message: `The ${name} has ${turns.length} assistant turn(s) and the rollout needs turn ${req.turn + 1}. Edit the last turn to give an answer, or use a live model backend.`,
          },
        };
      for (const c of chunks(text)) {
        req.onDelta?.(c);
        // Yield to the event loop so the stream is observable piece by piece.
        await new Promise((r) => setImmediate(r));
        if (req.signal.aborted) return { ok: false, error: stoppedByUser, partial: text };
      }
      return { ok: true, value: { text, finish_reason: "stop" } };
    },
  };
}

/**
 * A live text model that first replays recorded turns 0..`upTo` (a sample opened from Inspect at
 * that turn), then generates the rest: the rollout continues from the picked turn.
 */
export function withRecordedPrefix(turns: readonly string[], upTo: number, live: TextModel, name?: string): TextModel {
  const recorded = createReplayModel(turns.slice(0, upTo + 1), name);
  return {
    mode: "text",
    kind: live.kind,
    complete: (req) => (req.turn <= upTo ? recorded.complete(req) : live.complete(req)),
  };
}
