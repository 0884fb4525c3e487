import { handleE2B } from "@/lib/service/e2b/router";

// The E2B gateway: E2B_API_URL=http://HOST:PORT/e2b, E2B_SANDBOX_URL=http://HOST:PORT/e2b/sandbox.
// One catch-all route; lib/service/e2b answers in E2B's wire formats (JSON control plane, envd's
// Connect protocol, /files, the code interpreter's NDJSON).

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

type Ctx = { params: Promise<{ path?: string[] }> };

async function handle(request: Request, ctx: Ctx): Promise<Response> {
  const { path } = await ctx.params;
  return handleE2B(request, path ?? []);
}

export const GET = handle;
export const POST = handle;
export const DELETE = handle;
export const PUT = handle;
export const PATCH = handle;
