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
  const { order, error } = await ds.order(q, req.signal);
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
    if (what === "filtered") return s.exportLine(row);
    const base = { row, line: s.store.line[row], index: s.store.indexOf(row), group: s.store.group[row] };
    if (what === "rescore") {
      const p = s.rescore?.preds.get(row);
      if (!p) return null;
      const recorded = s.store.rewardOf(row);
      return JSON.stringify({
        ...base, reward_type: s.rescore?.reward_type, recorded_reward: recorded, score: Number.isNaN(p.score) ? null : p.score,
        acc: p.acc ?? null, pred: p.pred ?? null, error: p.error ?? null,
        agree: p.error ? null : recorded !== null && Math.abs(recorded - p.score) < 1e-9,
      });
    }
    const r = s.reexec.get(row);
    return r ? JSON.stringify({ ...base, ...r }) : null;
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
