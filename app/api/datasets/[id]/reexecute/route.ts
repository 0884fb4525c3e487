import { apiError, datasetOr404, ndjson, zodMessage } from "@/lib/data/http";
import { getBackend } from "@/lib/sandbox/registry";
import { reexecuteSchema } from "./schema";

export const dynamic = "force-dynamic";

/** Streams NDJSON progress; closing the request cancels the batch and the running cell. */
export async function POST(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const ds = await datasetOr404(ctx.params);
  if (ds instanceof Response) return ds;
  const parsed = reexecuteSchema.safeParse(await req.json().catch(() => null));
  if (!parsed.success) return apiError("bad_request:body", zodMessage(parsed.error));
  const { rows, scope, query, backend: backendName, concurrency } = parsed.data;
  const backend = getBackend(backendName);
  if (!backend) return apiError("unavailable:sandbox", `The ${backendName} sandbox backend is not available in this build.`);
  const avail = await backend.availability();
  if (!avail.available) return apiError("unavailable:sandbox", `The ${backendName} sandbox cannot run code: ${avail.reason ?? "unavailable"}.`);
  const bad = rows?.find((r) => r >= ds.store.length);
  if (bad !== undefined) return apiError("not_found:row", `Row ${bad} does not exist.`);
  const list = rows ?? (await ds.view.rowsFor(scope, query, req.signal)).order;
  return ndjson(req.signal, async (send, signal) => {
    const sandbox = await backend.create({ tools_config: { code_interpreter: {} } });
    try {
      await ds.jobs.reexecute(list, { sandbox, signal, emit: send, concurrency });
    } finally {
      await sandbox.close();
    }
  });
}
