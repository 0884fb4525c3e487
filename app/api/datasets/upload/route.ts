import { apiError, searchParamsObject, zodMessage } from "@/lib/data/http";
import { openDataset, saveUpload } from "@/lib/data/registry";
import { MAX_UPLOAD_BYTES, uploadSchema } from "./schema";

export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  const parsed = uploadSchema.safeParse(searchParamsObject(req.url));
  if (!parsed.success) return apiError("bad_request:upload", zodMessage(parsed.error));
  if (!req.body) return apiError("bad_request:upload", "The upload has no body.");
  const saved = await saveUpload(parsed.data.name, req.body, MAX_UPLOAD_BYTES);
  if (!saved.ok) return apiError("bad_request:upload", saved.message);
  const r = await openDataset(saved.source, parsed.data.format);
  if (!r.ok) return apiError("internal", r.message);
  return Response.json(r.info);
}
