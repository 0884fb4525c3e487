import { apiError, zodMessage } from "@/lib/data/http";
import { openDataset } from "@/lib/data/registry";
import { openDatasetSchema } from "./schema";

export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  const body: unknown = await req.json().catch(() => null);
  const parsed = openDatasetSchema.safeParse(body);
  if (!parsed.success) return apiError("bad_request:body", zodMessage(parsed.error));
  const r = await openDataset(parsed.data.source, parsed.data.format);
  if (!r.ok) return apiError(r.code === "forbidden" ? "forbidden:path" : r.code === "not_found" ? "not_found:file" : "bad_request:body", r.message);
  return Response.json(r.info);
}
