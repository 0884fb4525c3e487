import { withInput } from "@/lib/http/route";
import { startUpload } from "@/lib/data/uploads";
import { startUploadSchema } from "./schema";

export const dynamic = "force-dynamic";

/** POST /api/datasets/upload {name}: a new upload id and the chunk size. */
export const POST = withInput({ body: startUploadSchema }, ({ body }) => startUpload(body.name));
