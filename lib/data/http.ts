import "server-only";
import { AppError } from "@/lib/errors";
import { withInput, type InputSchemas, type RouteHandler, type RouteInput } from "@/lib/http/route";
import type { Dataset } from "./dataset";
import { getDataset } from "./registry";

// The /api/datasets routes' prologue: lib/http/route.ts's withInput, plus the open dataset.

const notOpen = "This dataset is not open on the server (it restarted?). Open the file again.";

/** withInput for /api/datasets/:id/…: also finds the open dataset, or answers 404 `not_found:dataset`. */
export function withDataset<S extends InputSchemas>(schemas: S, handler: (input: RouteInput<S> & { ds: Dataset }) => unknown): RouteHandler {
  return withInput(schemas, handler, (raw) => {
    const ds = getDataset(raw.id ?? "");
    if (!ds) throw new AppError("not_found:dataset", notOpen);
    return { ds };
  });
}

/** A row that indexing has not reached yet is waited for; one past the end is 404 `not_found:row`. */
export async function waitForRowOr404(ds: Dataset, row: number, signal: AbortSignal): Promise<void> {
  if (!(await ds.waitForRow(row, signal))) throw new AppError("not_found:row", `Row ${row} does not exist (the file has ${ds.store.length} rows).`);
}
