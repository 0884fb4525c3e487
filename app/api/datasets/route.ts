import { withInput } from "@/lib/data/http";
import { openDataset } from "@/lib/data/registry";
import { AppError } from "@/lib/errors";
import { openDatasetSchema } from "./schema";

export const dynamic = "force-dynamic";

/** POST /api/datasets: open a file of the data dir (or an upload); answers its DatasetInfo. */
export const POST = withInput({ body: openDatasetSchema }, async ({ body }) => {
  const r = await openDataset(body.source, body.format);
  if (!r.ok) throw new AppError(r.code === "forbidden" ? "forbidden:path" : r.code === "not_found" ? "not_found:file" : "bad_request:body", r.message);
  return r.info;
});
