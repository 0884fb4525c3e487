import { apiError, datasetOr404, searchParamsObject, zodMessage } from "@/lib/data/http";
import { serverEnv } from "@/lib/env";
import { resolveTokenizer } from "@/lib/rollout/tokens";
import { sampleParamsSchema, sampleQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

const MAX_PIECES = 50_000;

export async function GET(req: Request, ctx: { params: Promise<{ id: string; row: string }> }): Promise<Response> {
  const ds = await datasetOr404(ctx.params);
  if (ds instanceof Response) return ds;
  const p = sampleParamsSchema.safeParse(await ctx.params);
  if (!p.success) return apiError("bad_request:query", zodMessage(p.error));
  const q = sampleQuerySchema.safeParse(searchParamsObject(req.url));
  if (!q.success) return apiError("bad_request:query", zodMessage(q.error));
  if (!(await ds.waitForRow(p.data.row, req.signal))) return apiError("not_found:row", `Row ${p.data.row} does not exist (the file has ${ds.store.length} rows).`);
  const [s, nav] = await Promise.all([ds.sample(p.data.row), ds.view.neighbours(q.data, p.data.row)]);
  let token_pieces: string[] | null = null;
  let tokenizer_note: string | null = null;
  const tokens = s.sample.tokens;
  if (tokens) {
    const { tokenizer, warning } = await resolveTokenizer(serverEnv().PLAYGROUND_TOKENIZER_DIR);
    if (tokenizer.pieces && tokens.length <= MAX_PIECES) {
      try {
        token_pieces = tokenizer.pieces(tokens);
        tokenizer_note = `Token text from ${tokenizer.source}.`;
      } catch (e) {
        tokenizer_note = `The tokenizer could not decode these ids (${(e as Error).message}); showing ids.`;
      }
    } else tokenizer_note = warning ?? "Showing token ids. Set PLAYGROUND_TOKENIZER_DIR to a model directory with tokenizer.json to see the text of each token.";
  }
  return Response.json({
    ...s,
    group: ds.store.group[p.data.row] ?? -1,
    nav,
    reexec: ds.jobs.reexecOf(p.data.row),
    rescore: ds.jobs.rescoreOf(p.data.row),
    token_pieces,
    tokenizer_note,
  });
}
