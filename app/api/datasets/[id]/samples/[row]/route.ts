import { waitForRowOr404, withDataset } from "@/lib/data/http";
import { configuredTokenizer } from "@/lib/rollout/tokens";
import { sampleParamsSchema, sampleQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

const MAX_PIECES = 50_000;

/** GET /api/datasets/:id/samples/:row: the sample, its raw text, neighbours in the list, job results. */
export const GET = withDataset({ params: sampleParamsSchema, query: sampleQuerySchema }, async ({ ds, params: { row }, query, req }) => {
  await waitForRowOr404(ds, row, req.signal);
  const [s, nav] = await Promise.all([ds.sample(row), ds.view.neighbours(query, row)]);
  let token_pieces: string[] | null = null;
  let tokenizer_note: string | null = null;
  const tokens = s.sample.tokens;
  if (tokens) {
    const { tokenizer, warning } = await configuredTokenizer();
    if (tokenizer.pieces && tokens.length <= MAX_PIECES) {
      try {
        token_pieces = tokenizer.pieces(tokens);
        tokenizer_note = `Token text from ${tokenizer.source}.`;
      } catch (e) {
        tokenizer_note = `The tokenizer could not decode these ids (${(e as Error).message}); showing ids.`;
      }
    } else tokenizer_note = warning ?? "Showing token ids. Set PLAYGROUND_TOKENIZER_DIR to a model directory with tokenizer.json to see the text of each token.";
  }
  return {
    ...s,
    group: ds.store.group[row] ?? -1,
    summary: ds.store.summary(row),
    nav,
    reexec: ds.jobs.reexecOf(row),
    rescore: ds.jobs.rescoreOf(row),
    token_pieces,
    tokenizer_note,
  };
});
