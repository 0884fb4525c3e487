import { waitForRowOr404, withDataset } from "@/lib/data/http";
import { sampleHtml } from "@/lib/data/export-html";
import { configuredTokenizer } from "@/lib/rollout/tokens";
import { sampleParamsSchema } from "../schema";

export const dynamic = "force-dynamic";

const MAX_PIECES = 50_000;

/** GET /api/datasets/:id/samples/:row/html: the sample as one self-contained HTML file (a download). */
export const GET = withDataset({ params: sampleParamsSchema }, async ({ ds, params: { row }, req }) => {
  await waitForRowOr404(ds, row, req.signal);
  const { sample } = await ds.sample(row);
  let pieces: string[] | null = null;
  if (sample.tokens && sample.tokens.length <= MAX_PIECES) {
    const { tokenizer } = await configuredTokenizer();
    try {
      pieces = tokenizer.pieces?.(sample.tokens) ?? null;
    } catch {
      pieces = null; // ids are shown instead
    }
  }
  const html = sampleHtml({ sample, source: ds.opts.source, pieces, generatedAt: new Date().toISOString() });
  const name = `${ds.opts.name.replace(/\.[^.]+$/, "")}.row${row}.html`.replace(/[^\w.\-]/g, "_");
  return new Response(html, {
    headers: { "content-type": "text/html; charset=utf-8", "content-disposition": `attachment; filename="${name}"`, "cache-control": "no-store" },
  });
});
