import { withDataset } from "@/lib/data/http";
import { histogramSchema } from "./schema";

export const dynamic = "force-dynamic";

export const GET = withDataset({ query: histogramSchema }, ({ ds, query }) => ds.view.rewardHistogram(query.which, query.bins));
