import { withInput } from "@/lib/http/route";
import { cancelRun } from "@/lib/sandbox/sessions";
import { cancelParamsSchema, type CancelResponse } from "./schema";

// The Editor's Cancel button. The core API cancels through an AbortSignal; this route is the one
// place a run is found by its id, because the Editor's runs are server actions and Next runs one
// client's server actions one after another, so a cancel action would queue behind its own run.
export const POST = withInput({ params: cancelParamsSchema }, ({ params }): CancelResponse => ({
  runId: params.runId,
  cancelled: cancelRun(params.runId),
}));
