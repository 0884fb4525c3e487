import { apiError, datasetOr404, searchParamsObject, zodMessage } from "@/lib/data/http";
import { rowsSchema } from "./schema";

export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const ds = await datasetOr404(ctx.params);
  if (ds instanceof Response) return ds;
  const parsed = rowsSchema.safeParse(searchParamsObject(req.url));
  if (!parsed.success) return apiError("bad_request:query", zodMessage(parsed.error));
  const { offset, limit, ...q } = parsed.data;
  return Response.json(await ds.view.page(q, offset, limit, req.signal));
}
