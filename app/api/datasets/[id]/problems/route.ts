import { apiError, datasetOr404, searchParamsObject, zodMessage } from "@/lib/data/http";
import { problemsSchema } from "./schema";

export const dynamic = "force-dynamic";

/** GET /api/datasets/:id/problems: defects of the input with their line numbers. */
export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const ds = await datasetOr404(ctx.params);
  if (ds instanceof Response) return ds;
  const p = problemsSchema.safeParse(searchParamsObject(req.url));
  if (!p.success) return apiError("bad_request:query", zodMessage(p.error));
  const list = p.data.kind ? ds.problems.filter((x) => x.kind === p.data.kind) : ds.problems;
  const total = Object.values(ds.problemCounts).reduce((a, b) => a + (b ?? 0), 0);
  return Response.json({ total, kept: ds.problems.length, problems: list.slice(p.data.offset, p.data.offset + p.data.limit) });
}
