import { withDataset } from "@/lib/data/http";

export const dynamic = "force-dynamic";

/** GET /api/datasets/:id: indexing progress, detected format, problem counts. */
export const GET = withDataset({}, ({ ds }) => ds.info());
