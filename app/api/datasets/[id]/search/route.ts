import { withDataset } from "@/lib/data/http";
import { ndjsonResponse } from "@/lib/http/write-ndjson";
import type { SearchEvent } from "./schema";
import { searchSchema } from "./schema";

export const dynamic = "force-dynamic";

/** Streams the progress of a text/regex scan as NDJSON SearchEvents. */
export const GET = withDataset({ query: searchSchema }, ({ ds, query, req }) =>
  ndjsonResponse(req.signal, async (send) => {
    const emit = (e: SearchEvent) => send(e);
    const pending = ds.view.search(query, (p) => emit({ type: "progress", ...p }));
    if (!pending) return emit({ type: "done", matches: ds.store.length, ms: 0 });
    const o = await pending;
    emit(o.ok ? { type: "done", matches: o.value.matches, ms: o.value.ms } : { type: "error", message: o.error.message, error: o.error });
  }, { surface: "inspect" }),
);
