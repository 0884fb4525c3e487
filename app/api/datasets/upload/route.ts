import { apiError, zodMessage } from "@/lib/data/http";
import { startUpload } from "@/lib/data/uploads";
import { startUploadSchema } from "./schema";

export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  const parsed = startUploadSchema.safeParse(await req.json().catch(() => null));
  if (!parsed.success) return apiError("bad_request:upload", zodMessage(parsed.error));
  return Response.json(await startUpload(parsed.data.name));
}
