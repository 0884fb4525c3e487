import { apiError, datasetOr404, zodMessage } from "@/lib/data/http";
import { groupParamsSchema } from "./schema";

export const dynamic = "force-dynamic";

/** GET /api/datasets/:id/groups/:group: all samples of one prompt, mean reward and pass rate. */
export async function GET(_req: Request, ctx: { params: Promise<{ id: string; group: string }> }): Promise<Response> {
  const ds = await datasetOr404(ctx.params);
  if (ds instanceof Response) return ds;
  const p = groupParamsSchema.safeParse(await ctx.params);
  if (!p.success) return apiError("bad_request:query", zodMessage(p.error));
  return Response.json(await ds.view.group(p.data.group));
}
