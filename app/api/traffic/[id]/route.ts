import { AppError, errorResponse } from "@/lib/errors";
import { getTrafficRecord } from "@/lib/traffic/recorder";

// One recorded call in full (the Traffic page's detail view).

export const dynamic = "force-dynamic";

export async function GET(_request: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await ctx.params;
  const record = getTrafficRecord(id);
  if (!record) {
    return errorResponse(new AppError("not_found:traffic", `Call ${id} is no longer in the recent buffer (the newest 10,000 calls are kept in memory).`));
  }
  return Response.json(record, { headers: { "cache-control": "no-store" } });
}
