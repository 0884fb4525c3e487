import "server-only";
import type { RolloutEvent } from "@/lib/rollout/transcript";

/** Streams lines of JSON; each rollout event is one line, written as it happens. */
export function ndjsonResponse(first: unknown | null, events: AsyncIterable<RolloutEvent>): Response {
  const enc = new TextEncoder();
  const iterator = events[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first !== null) controller.enqueue(enc.encode(JSON.stringify(first) + "\n"));
    },
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(enc.encode(JSON.stringify(value) + "\n"));
    },
    async cancel() {
      // The browser went away: the run itself carries on (Stop is explicit).
      await iterator.return?.();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
    },
  });
}

export function jsonError(status: number, code: string, message: string): Response {
  return Response.json({ error: code, message }, { status, headers: { "cache-control": "no-store" } });
}
