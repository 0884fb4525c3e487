import { apiError, datasetOr404, searchParamsObject, zodMessage } from "@/lib/data/http";
import { histogramSchema } from "./schema";

export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const ds = await datasetOr404(ctx.params);
  if (ds instanceof Response) return ds;
  const p = histogramSchema.safeParse(searchParamsObject(req.url));
  if (!p.success) return apiError("bad_request:query", zodMessage(p.error));
  return Response.json(ds.view.rewardHistogram(p.data.which, p.data.bins));
}
