import { acquireReexecSandbox } from "@/lib/data/batch-jobs";
import { withDataset } from "@/lib/data/http";
import { AppError } from "@/lib/errors";
import { ndjsonResponse } from "@/lib/http/write-ndjson";
import { unwrap } from "@/lib/result";
import { reexecuteSchema } from "./schema";

export const dynamic = "force-dynamic";

/** Streams NDJSON ReexecEvents; closing the request cancels the batch and the running cell. */
export const POST = withDataset({ body: reexecuteSchema }, async ({ ds, body: { rows, scope, query, backend, concurrency, fences }, req }) => {
  const bad = rows?.find((r) => r >= ds.store.length);
  if (bad !== undefined) throw new AppError("not_found:row", `Row ${bad} does not exist.`, { field: "rows" });
  const list = rows ?? unwrap(await ds.view.rowsFor(scope, query, req.signal));
  // Acquired before the stream starts, so an unavailable backend is a 503, not an event.
  const held = unwrap(await acquireReexecSandbox(backend, req.signal));
  return ndjsonResponse(req.signal, async (send, signal) => {
    await using sandbox = held;
    await ds.jobs.reexecute(list, { sandbox, signal, emit: send, concurrency, fences });
  }, { surface: "inspect" });
});
