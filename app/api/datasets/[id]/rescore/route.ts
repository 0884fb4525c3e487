import { apiError, datasetOr404, ndjson, zodMessage } from "@/lib/data/http";
import { rescoreSchema } from "./schema";

export const dynamic = "force-dynamic";

/** Streams NDJSON progress; closing the request cancels the run. */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const ds = await datasetOr404(ctx.params);
  if (ds instanceof Response) return ds;
  const parsed = rescoreSchema.safeParse(await req.json().catch(() => null));
  if (!parsed.success) return apiError("bad_request:body", zodMessage(parsed.error));
  const { reward_type, rm_url, scope, query } = parsed.data;
  if (reward_type.includes("remote_rm") && !rm_url) return apiError("bad_request:body", "remote_rm needs an rm_url.");
  const { order: rows } = await ds.view.rowsFor(scope, query, req.signal);
  return ndjson(req.signal, (send, signal) => ds.jobs.rescore(rows, { rewardType: reward_type, rmUrl: rm_url, signal, emit: send }));
}
