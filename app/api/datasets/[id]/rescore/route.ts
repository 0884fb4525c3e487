import { withDataset } from "@/lib/data/http";
import { AppError } from "@/lib/errors";
import { ndjsonResponse } from "@/lib/http/write-ndjson";
import { unwrap } from "@/lib/result";
import { rescoreSchema } from "./schema";

export const dynamic = "force-dynamic";

/** Streams NDJSON RescoreEvents; closing the request cancels the run. */
export const POST = withDataset({ body: rescoreSchema }, async ({ ds, body: { reward_type, rm_url, scope, query }, req }) => {
  if (reward_type.includes("remote_rm") && !rm_url) throw new AppError("bad_request:body", "remote_rm needs an rm_url.", { field: "rm_url" });
  const rows = unwrap(await ds.view.rowsFor(scope, query, req.signal));
  return ndjsonResponse(req.signal, (send, signal) => ds.jobs.rescore(rows, { rewardType: reward_type, rmUrl: rm_url, signal, emit: send }), { surface: "inspect" });
});
