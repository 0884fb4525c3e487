import { datasetOr404 } from "@/lib/data/http";

export const dynamic = "force-dynamic";

/** GET /api/datasets/:id: indexing progress, detected format, problem counts. */
export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const ds = await datasetOr404(ctx.params);
  if (ds instanceof Response) return ds;
  return Response.json(ds.info());
}
