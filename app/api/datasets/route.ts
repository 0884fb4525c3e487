import { withInput } from "@/lib/http/route";
import { openDataset } from "@/lib/data/registry";
import { unwrap } from "@/lib/result";
import { openDatasetSchema } from "./schema";

export const dynamic = "force-dynamic";

/** POST /api/datasets: open a file of the data dir (or an upload); answers its DatasetInfo. */
export const POST = withInput({ body: openDatasetSchema }, async ({ body }) => unwrap(await openDataset(body.source, body.format)));
