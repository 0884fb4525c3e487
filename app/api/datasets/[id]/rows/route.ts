import { withDataset } from "@/lib/data/http";
import { rowsSchema } from "./schema";

export const dynamic = "force-dynamic";

export const GET = withDataset({ query: rowsSchema }, ({ ds, query: { offset, limit, ...q }, req }) => ds.view.page(q, offset, limit, req.signal));
