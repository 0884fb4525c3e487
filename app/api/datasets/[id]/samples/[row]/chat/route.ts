import { chatHandoff } from "@/lib/data/chat-link";
import { waitForRowOr404, withDataset } from "@/lib/data/http";
import { sampleParamsSchema } from "../schema";
import { chatHandoffSchema } from "./schema";

export const dynamic = "force-dynamic";

/** GET /api/datasets/:id/samples/:row/chat?turn=: the sample up to a turn, as a Chat hand-off. */
export const GET = withDataset({ params: sampleParamsSchema, query: chatHandoffSchema }, async ({ ds, params: { row }, query, req }) => {
  await waitForRowOr404(ds, row, req.signal);
  const { sample } = await ds.sample(row);
  return chatHandoff(sample, query.turn, ds.opts.source);
});
