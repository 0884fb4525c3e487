import { waitForRowOr404, withDataset } from "@/lib/data/http";
import { promptSteps } from "@/lib/data/prompt-steps";
import { promptStepsSchema } from "./schema";

export const dynamic = "force-dynamic";

/** GET /api/datasets/:id/steps?row=N: the prompt of row N at every training step, with its answers. */
export const GET = withDataset({ query: promptStepsSchema }, async ({ ds, query, req }) => {
  await waitForRowOr404(ds, query.row, req.signal);
  await ds.ready; // every step must be indexed before the prompt's groups are matched
  return promptSteps(ds, query.row, query.per_step);
});
