import { AppError } from "@/lib/errors";
import { withInput } from "@/lib/http/route";
import { getChatSession } from "@/lib/rollout/chat-session-store";
import { runFileName, runHtml, runJsonl, runSample } from "@/lib/rollout/export";
import { tokenPieces } from "@/lib/share/render";
import { exportParamsSchema, exportQuerySchema } from "./schema";

export const dynamic = "force-dynamic";

const types = { jsonl: "application/x-ndjson; charset=utf-8", html: "text/html; charset=utf-8" } as const;

// A finished run as slime Sample JSON Lines (Inspect and `cli read` read it back) or as one
// self-contained HTML page (a download).
export const GET = withInput({ params: exportParamsSchema, query: exportQuerySchema }, async ({ params, query }) => {
  const session = await getChatSession(query.session);
  const run = session?.runs.find((r) => r.id === params.runId);
  if (!session || !run) throw new AppError("not_found:run", "No such run in this chat session.");
  const s = runSample(run);
  if (!s.ok) throw new AppError("conflict:run", s.reason);
  const body =
    query.format === "jsonl" ? runJsonl(s.sample) : runHtml(session.id, run, s.sample, await tokenPieces(s.sample.tokens), new Date().toISOString());
  return new Response(body, {
    headers: {
      "content-type": types[query.format],
      "content-disposition": `attachment; filename="${runFileName(session.id, run, query.format)}"`,
      "cache-control": "no-store",
    },
  });
});
