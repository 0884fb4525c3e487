import { ok } from "@/lib/result";
import { serviceRoute } from "@/lib/service/core/route";
import { e2bApi } from "@/lib/service/e2b/api";
import { handleE2B } from "@/lib/service/e2b/router";

// The E2B gateway: E2B_API_URL=http://HOST:PORT/e2b, E2B_SANDBOX_URL=http://HOST:PORT/e2b/sandbox.
// One catch-all on the service layer; lib/service/e2b answers in E2B's wire formats (JSON control
// plane, envd's Connect protocol, /files, the code interpreter's NDJSON), always as a passed-through
// Response, and says what Traffic shows once the call (a stream: when it ended) is complete.

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const handler = serviceRoute<string[], never>({
  api: e2bApi,
  parse: (ctx) => ok((ctx.params.path ?? "").split("/").filter(Boolean)),
  run: async (path, ctx) => {
    const { response, log } = await handleE2B(ctx.request, path);
    return ok({ response, record: async () => (await log.fields) ?? { status: "skip" } });
  },
  toTraffic: (call) => (call.record?.status === "skip" ? null : {}),
});

export const GET = handler;
export const POST = handler;
export const DELETE = handler;
export const PUT = handler;
export const PATCH = handler;
