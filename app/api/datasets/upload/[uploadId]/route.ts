import { withInput } from "@/lib/http/route";
import { openDataset } from "@/lib/data/registry";
import { appendChunk, finishUpload } from "@/lib/data/uploads";
import { unwrap } from "@/lib/result";
import { chunkQuerySchema, finishUploadSchema, uploadIdSchema } from "../schema";

export const dynamic = "force-dynamic";

/** Append one chunk at `offset` (the raw request body). */
export const PUT = withInput({ params: uploadIdSchema, query: chunkQuerySchema }, async ({ params, query, req }) =>
  unwrap(await appendChunk(params.uploadId, query.offset, req.body)),
);

/** Check the size and open the uploaded file. */
export const POST = withInput({ params: uploadIdSchema, body: finishUploadSchema }, async ({ params, body }) => {
  const { source } = unwrap(await finishUpload(params.uploadId, body.size));
  return unwrap(await openDataset(source, body.format));
});
