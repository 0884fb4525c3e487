import { setImmediate as yieldToLoop } from "node:timers/promises";
import { withDataset } from "@/lib/data/http";
import { unwrap } from "@/lib/result";
import { exportSchema } from "./schema";

export const dynamic = "force-dynamic";

/** Streams JSONL as a download, row by row, so exporting 100k rows never buffers the file. */
export const GET = withDataset({ query: exportSchema }, async ({ ds, query: { what, ...q }, req }) => {
  const order = unwrap(await ds.view.rowsFor("filtered", q, req.signal));
  const lineFor = (row: number): Promise<string | null> | string | null => (what === "filtered" ? ds.exportLine(row) : ds.jobs.exportLine(what, row));
  const enc = new TextEncoder();
  let k = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = "";
      while (k < order.length && chunk.length < 1 << 20) {
        const line = await lineFor(order[k++]!);
        if (line !== null) chunk += `${line}\n`;
      }
      if (chunk) controller.enqueue(enc.encode(chunk));
      if (k >= order.length) controller.close();
      else await yieldToLoop();
    },
  });
  const name = `${ds.opts.name.replace(/\.[^.]+$/, "")}.${what}.jsonl`;
  return new Response(stream, {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="${name.replace(/[^\w.\-]/g, "_")}"`,
      "cache-control": "no-store",
    },
  });
});
