import { AppError } from "@/lib/errors";
import { withInput } from "@/lib/http/route";
import { getTrafficRecord } from "@/lib/traffic/recorder";
import { trafficParamsSchema } from "./schema";

// One recorded call in full (the Traffic page's detail view).

export const dynamic = "force-dynamic";

export const GET = withInput({ params: trafficParamsSchema }, ({ params }) => {
  const record = getTrafficRecord(params.id);
  if (!record) {
    throw new AppError("not_found:traffic", `Call ${params.id} is no longer in the recent buffer (the newest 10,000 calls are kept in memory).`);
  }
  return Response.json(record, { headers: { "cache-control": "no-store" } });
});
