import { withInput } from "@/lib/data/http";
import { openDataset } from "@/lib/data/registry";
import { appendChunk, finishUpload } from "@/lib/data/uploads";
import { AppError } from "@/lib/errors";
import { chunkQuerySchema, finishUploadSchema, uploadIdSchema } from "../schema";

export const dynamic = "force-dynamic";

/** Append one chunk at `offset` (the raw request body). */
export const PUT = withInput({ params: uploadIdSchema, query: chunkQuerySchema }, async ({ params, query, req }) => {
  const r = await appendChunk(params.uploadId, query.offset, req.body);
  if (!r.ok) throw new AppError(r.code === "not_found" ? "not_found:upload" : "bad_request:upload", r.message);
  return { size: r.size };
});

/** Check the size and open the uploaded file. */
export const POST = withInput({ params: uploadIdSchema, body: finishUploadSchema }, async ({ params, body }) => {
  const f = await finishUpload(params.uploadId, body.size);
  if (!f.ok) throw new AppError(f.code === "not_found" ? "not_found:upload" : "bad_request:upload", f.message);
  const r = await openDataset(f.source, body.format);
  if (!r.ok) throw new AppError("internal:upload", r.message);
  return r.info;
});
