import { apiError, datasetOr404, searchParamsObject, zodMessage } from "@/lib/data/http";
import { sampleParamsSchema, sampleQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: { params: Promise<{ id: string; row: string }> }): Promise<Response> {
  const ds = await datasetOr404(ctx.params);
  if (ds instanceof Response) return ds;
  const p = sampleParamsSchema.safeParse(await ctx.params);
  if (!p.success) return apiError("bad_request:query", zodMessage(p.error));
  const q = sampleQuerySchema.safeParse(searchParamsObject(req.url));
  if (!q.success) return apiError("bad_request:query", zodMessage(q.error));
  if (p.data.row >= ds.store.length) return apiError("not_found:row", `Row ${p.data.row} does not exist (the file has ${ds.store.length} rows so far).`);
  const [s, nav] = await Promise.all([ds.sample(p.data.row), ds.neighbours(q.data, p.data.row)]);
  return Response.json({ ...s, nav, reexec: ds.reexec.get(p.data.row) ?? null, rescore: ds.rescore?.preds.get(p.data.row) ?? null });
}
