import { withDataset } from "@/lib/data/http";
import { AppError } from "@/lib/errors";
import { ndjsonResponse } from "@/lib/http/write-ndjson";
import { unwrap } from "@/lib/result";
import { getBackend } from "@/lib/sandbox/registry";
import { reexecuteSchema } from "./schema";

export const dynamic = "force-dynamic";

/** Streams NDJSON ReexecEvents; closing the request cancels the batch and the running cell. */
export const POST = withDataset({ body: reexecuteSchema }, async ({ ds, body: { rows, scope, query, backend: backendName, concurrency }, req }) => {
  const backend = getBackend(backendName);
  if (!backend) throw new AppError("unavailable:sandbox", `The ${backendName} sandbox backend is not available in this build.`);
  const avail = await backend.availability();
  if (!avail.available) throw new AppError("unavailable:sandbox", `The ${backendName} sandbox cannot run code: ${avail.reason ?? "unavailable"}.`);
  const bad = rows?.find((r) => r >= ds.store.length);
  if (bad !== undefined) throw new AppError("not_found:row", `Row ${bad} does not exist.`, { field: "rows" });
  const list = rows ?? unwrap(await ds.view.rowsFor(scope, query, req.signal));
  return ndjsonResponse(req.signal, async (send, signal) => {
    const sandbox = await backend.create({ tools_config: { code_interpreter: {} } });
    try {
      await ds.jobs.reexecute(list, { sandbox, signal, emit: send, concurrency });
    } finally {
      await sandbox.close();
    }
  }, { surface: "inspect" });
});
