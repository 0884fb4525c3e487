import { AppError } from "@/lib/errors";
import { withInput } from "@/lib/http/route";
import { liveOutputTail, wholeStream } from "@/lib/sandbox/live-output";
import { outputParamsSchema, outputQuerySchema, type LiveOutputResponse } from "./schema";

// An Editor run's output while it runs (polled by the page) and, after, each stream whole as a
// download. Only as long as the server keeps it (the last few runs, in memory).
export const GET = withInput({ params: outputParamsSchema, query: outputQuerySchema }, ({ params, query }): Response | LiveOutputResponse => {
  if (query.stream) {
    const whole = wholeStream(params.runId, query.stream);
    if (!whole) throw new AppError("not_found:run_output", "The server no longer has this run's output (it keeps the last few runs).");
    return new Response(new Uint8Array(whole.data), {
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "content-disposition": `attachment; filename="${params.runId}-${query.stream}.txt"`,
        "cache-control": "no-store",
      },
    });
  }
  const live = liveOutputTail(params.runId, query.tail);
  if (!live) throw new AppError("not_found:run_output", "No output is recorded for this run.");
  return live;
});
