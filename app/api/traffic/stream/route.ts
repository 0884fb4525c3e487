import { withInput } from "@/lib/http/route";
import { ndjsonResponse } from "@/lib/http/write-ndjson";
import { recentTraffic, subscribeTraffic, trafficMode, trafficStats } from "@/lib/traffic/recorder";
import { matchesTrafficFilter, parseTrafficFilter, toTrafficRow, type TrafficRow, type TrafficStreamEvent } from "@/lib/traffic/filter";

// The Traffic page's live feed (NDJSON): a snapshot of the newest matching calls, then new calls in
// batches every 250 ms, and the header's stats every 2 s. Filters are the page's URL parameters,
// applied here to whole records so a text search sees whole code and output.

export const dynamic = "force-dynamic";

/** Rows in the first snapshot (the table keeps at most this many). */
const SNAPSHOT_MAX = 5000;

// The filter's own parser reads the query (repeated keys, lenient values), so withInput takes no query schema.
export const GET = withInput({}, ({ req }) => {
  const filter = parseTrafficFilter(new URL(req.url).searchParams);
  return ndjsonResponse(
    req.signal,
    async (send: (e: TrafficStreamEvent) => void, signal) => {
      const pending: TrafficRow[] = [];
      // Subscribe before the snapshot so nothing falls between the two.
      const unsubscribe = subscribeTraffic((r) => {
        if (matchesTrafficFilter(r, filter)) pending.push(toTrafficRow(r));
      });
      try {
        const all = recentTraffic();
        const rows: TrafficRow[] = [];
        let total = 0;
        for (let i = all.length - 1; i >= 0; i--) {
          const r = all[i]!;
          if (!matchesTrafficFilter(r, filter)) continue;
          total++;
          if (rows.length < SNAPSHOT_MAX) rows.push(toTrafficRow(r));
        }
        rows.reverse();
        const seen = new Set(rows.map((r) => r.id));
        const early = pending.splice(0).filter((r) => !seen.has(r.id));
        send({ type: "snapshot", rows: [...rows, ...early], total: total + early.length, recording: trafficMode() });
        send({ type: "stats", stats: trafficStats() });
        let tick = 0;
        const stopped = new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        while (!signal.aborted) {
          await Promise.race([new Promise((resolve) => setTimeout(resolve, 250)), stopped]);
          if (signal.aborted) break;
          if (pending.length) send({ type: "rows", rows: pending.splice(0) });
          if (++tick % 8 === 0) send({ type: "stats", stats: trafficStats() });
        }
      } finally {
        unsubscribe();
      }
    },
    { surface: "traffic" },
  );
});
