import { withInput } from "@/lib/http/route";
import { stopRun } from "@/lib/rollout/live-runs";
import { runParamsSchema } from "../schema";

export const dynamic = "force-dynamic";

// Stop: aborts the model request and kills the sandbox run in flight.
export const POST = withInput({ params: runParamsSchema }, ({ params }) =>
  Response.json({ stopped: stopRun(params.runId) }, { headers: { "cache-control": "no-store" } }),
);
