import { apiError, searchParamsObject, zodMessage } from "@/lib/data/http";
import { dataDir, listDataDir } from "@/lib/data/paths";
import { listFilesSchema } from "./schema";

export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  const parsed = listFilesSchema.safeParse(searchParamsObject(req.url));
  if (!parsed.success) return apiError("bad_request:query", zodMessage(parsed.error));
  const r = await listDataDir(parsed.data.dir);
  if (!r.ok) return apiError(r.code === "forbidden" ? "forbidden:path" : r.code === "not_found" ? "not_found:file" : "bad_request:query", r.message);
  return Response.json({ root: dataDir(), dir: r.dir === "." ? "" : r.dir, entries: r.entries });
}
