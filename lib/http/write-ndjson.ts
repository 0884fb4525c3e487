// The writer beside read-ndjson.ts: a newline-delimited JSON response fed by `run`.
// The request's abort signal reaches `run`, so closing the connection cancels the work.
// A throw inside `run` ends the stream with one `{type:"error", error}` event.
import { toAppError } from "../errors";

export type Send = (event: unknown) => void;

export function ndjsonResponse(
  signal: AbortSignal,
  run: (send: Send, signal: AbortSignal) => Promise<void>,
  opts?: { surface?: string; headers?: HeadersInit },
): Response {
  const enc = new TextEncoder();
  const ctrl = new AbortController();
  if (signal.aborted) ctrl.abort();
  else signal.addEventListener("abort", () => ctrl.abort(), { once: true });
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send: Send = (event) => {
        if (ctrl.signal.aborted) return;
        try {
          controller.enqueue(enc.encode(`${JSON.stringify(event)}\n`));
        } catch {
          ctrl.abort();
        }
      };
      try {
        await run(send, ctrl.signal);
      } catch (e) {
        console.error(`[${opts?.surface ?? "stream"}] failed`, e);
        const error = toAppError(e, opts?.surface ?? "stream");
        send({ type: "error", message: error.message, error });
      } finally {
        try {
          controller.close();
        } catch {
          /* already closed by the client */
        }
      }
    },
    cancel() {
      ctrl.abort();
    },
  });
  const headers = new Headers(opts?.headers);
  headers.set("content-type", "application/x-ndjson; charset=utf-8");
  headers.set("cache-control", "no-store");
  return new Response(stream, { headers });
}
