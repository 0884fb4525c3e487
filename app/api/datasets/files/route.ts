import { withInput } from "@/lib/http/route";
import { dataDir, listDataDir } from "@/lib/data/paths";
import { unwrap } from "@/lib/result";
import { listFilesSchema } from "./schema";

export const dynamic = "force-dynamic";

/** GET /api/datasets/files?dir=: one directory of the data dir. */
export const GET = withInput({ query: listFilesSchema }, async ({ query }) => {
  const r = unwrap(await listDataDir(query.dir));
  return { root: dataDir(), dir: r.dir === "." ? "" : r.dir, entries: r.entries };
});
