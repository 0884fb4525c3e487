import { apiError, searchParamsObject, zodMessage } from "@/lib/data/http";
import { openDataset } from "@/lib/data/registry";
import { appendChunk, finishUpload } from "@/lib/data/uploads";
import { chunkQuerySchema, finishUploadSchema, uploadIdSchema } from "../schema";

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ uploadId: string }> };

/** Append one chunk at `offset`. */
export async function PUT(req: Request, ctx: Ctx): Promise<Response> {
  const id = uploadIdSchema.safeParse(await ctx.params);
  if (!id.success) return apiError("bad_request:upload", zodMessage(id.error));
  const q = chunkQuerySchema.safeParse(searchParamsObject(req.url));
  if (!q.success) return apiError("bad_request:upload", zodMessage(q.error));
  const r = await appendChunk(id.data.uploadId, q.data.offset, req.body);
  if (!r.ok) return apiError(r.code === "not_found" ? "not_found:file" : "bad_request:upload", r.message);
  return Response.json({ size: r.size });
}

/** Check the size and open the uploaded file. */
export async function POST(req: Request, ctx: Ctx): Promise<Response> {
  const id = uploadIdSchema.safeParse(await ctx.params);
  if (!id.success) return apiError("bad_request:upload", zodMessage(id.error));
  const body = finishUploadSchema.safeParse(await req.json().catch(() => null));
  if (!body.success) return apiError("bad_request:upload", zodMessage(body.error));
  const f = await finishUpload(id.data.uploadId, body.data.size);
  if (!f.ok) return apiError(f.code === "not_found" ? "not_found:file" : "bad_request:upload", f.message);
  const r = await openDataset(f.source, body.data.format);
  if (!r.ok) return apiError("internal", r.message);
  return Response.json(r.info);
}
