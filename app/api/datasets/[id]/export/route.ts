import { setImmediate as yieldToLoop } from "node:timers/promises";
import { apiError, datasetOr404, searchParamsObject, zodMessage } from "@/lib/data/http";
import { exportSchema } from "./schema";

export const dynamic = "force-dynamic";

/** Streams JSONL as a download, row by row, so exporting 100k rows never buffers the file. */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const ds = await datasetOr404(ctx.params);
  if (ds instanceof Response) return ds;
  const parsed = exportSchema.safeParse(searchParamsObject(req.url));
  if (!parsed.success) return apiError("bad_request:query", zodMessage(parsed.error));
  const { what, ...q } = parsed.data;
  const { order, error } = await ds.view.order(q, req.signal);
  if (error) return apiError("bad_request:query", error);
  const enc = new TextEncoder();
  let k = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = "";
      while (k < order.length && chunk.length < 1 << 20) {
        const row = order[k++]!;
        const line = await lineFor(row);
        if (line !== null) chunk += `${line}\n`;
      }
      if (chunk) controller.enqueue(enc.encode(chunk));
      if (k >= order.length) controller.close();
      else await yieldToLoop();
    },
  });
  async function lineFor(row: number): Promise<string | null> {
    const s = ds as Exclude<typeof ds, Response>;
    return what === "filtered" ? s.exportLine(row) : s.jobs.exportLine(what, row);
  }
  const name = `${ds.opts.name.replace(/\.[^.]+$/, "")}.${what}.jsonl`;
  return new Response(stream, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="${name.replace(/[^\w.\-]/g, "_")}"`,
      "cache-control": "no-store",
    },
  });
}
