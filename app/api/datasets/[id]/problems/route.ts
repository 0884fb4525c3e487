import { withDataset } from "@/lib/data/http";
import { problemsSchema } from "./schema";

export const dynamic = "force-dynamic";

/** GET /api/datasets/:id/problems: defects of the input with their line numbers. */
export const GET = withDataset({ query: problemsSchema }, ({ ds, query }) => {
  const list = query.kind ? ds.problems.filter((x) => x.kind === query.kind) : ds.problems;
  const total = Object.values(ds.problemCounts).reduce((a, b) => a + (b ?? 0), 0);
  return { total, kept: ds.problems.length, problems: list.slice(query.offset, query.offset + query.limit) };
});
