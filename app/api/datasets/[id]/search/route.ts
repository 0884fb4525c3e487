import { apiError, datasetOr404, ndjson, searchParamsObject, zodMessage } from "@/lib/data/http";
import type { SearchEvent } from "./schema";
import { searchSchema } from "./schema";

export const dynamic = "force-dynamic";

export async function GET(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const ds = await datasetOr404(ctx.params);
  if (ds instanceof Response) return ds;
  const parsed = searchSchema.safeParse(searchParamsObject(req.url));
  if (!parsed.success) return apiError("bad_request:query", zodMessage(parsed.error));
  return ndjson(req.signal, async (send) => {
    const emit = (e: SearchEvent) => send(e);
    const pending = ds.view.search(parsed.data, (p) => emit({ type: "progress", ...p }));
    if (!pending) return emit({ type: "done", matches: ds.store.length, ms: 0 });
    const o = await pending;
    emit(o.ok ? { type: "done", matches: o.matches, ms: o.ms } : { type: "error", message: o.error });
  });
}
