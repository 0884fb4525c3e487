import { withInput } from "@/lib/data/http";
import { dataDir, listDataDir } from "@/lib/data/paths";
import { AppError } from "@/lib/errors";
import { listFilesSchema } from "./schema";

export const dynamic = "force-dynamic";

/** GET /api/datasets/files?dir=: one directory of the data dir. */
export const GET = withInput({ query: listFilesSchema }, async ({ query }) => {
  const r = await listDataDir(query.dir);
  if (!r.ok) throw new AppError(r.code === "forbidden" ? "forbidden:path" : r.code === "not_found" ? "not_found:file" : "bad_request:query", r.message);
  return { root: dataDir(), dir: r.dir === "." ? "" : r.dir, entries: r.entries };
});
