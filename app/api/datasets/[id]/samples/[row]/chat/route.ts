import { chatHandoff } from "@/lib/data/chat-link";
import { apiError, datasetOr404, searchParamsObject, zodMessage } from "@/lib/data/http";
import { sampleParamsSchema } from "../schema";
import { chatHandoffSchema } from "./schema";

export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: { params: Promise<{ id: string; row: string }> }): Promise<Response> {
  const ds = await datasetOr404(ctx.params);
  if (ds instanceof Response) return ds;
  const p = sampleParamsSchema.safeParse(await ctx.params);
  if (!p.success) return apiError("bad_request:query", zodMessage(p.error));
  const q = chatHandoffSchema.safeParse(searchParamsObject(req.url));
  if (!q.success) return apiError("bad_request:query", zodMessage(q.error));
  if (!(await ds.waitForRow(p.data.row, req.signal))) return apiError("not_found:row", `Row ${p.data.row} does not exist (the file has ${ds.store.length} rows).`);
  const { sample } = await ds.sample(p.data.row);
  return Response.json(chatHandoff(sample, q.data.turn, ds.opts.source));
}
