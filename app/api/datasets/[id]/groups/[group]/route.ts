import { withDataset } from "@/lib/data/http";
import { groupParamsSchema } from "./schema";

export const dynamic = "force-dynamic";

/** GET /api/datasets/:id/groups/:group: all samples of one prompt, mean reward and pass rate. */
export const GET = withDataset({ params: groupParamsSchema }, ({ ds, params }) => ds.view.group(params.group));
