import { handleMsEnclave } from "@/lib/service/ms-enclave/router";

// ms-enclave's HTTP API (HttpSandboxManager's base_url = http://<host>:<port>/ms-enclave).
// One catch-all route: the router in lib/service/ms-enclave answers in ms-enclave's own wire format.

export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ path: string[] }> };

async function handle(request: Request, ctx: Ctx): Promise<Response> {
  const { path } = await ctx.params;
  return handleMsEnclave(request, path);
}

export const GET = handle;
export const POST = handle;
export const DELETE = handle;
export const PUT = handle;
export const PATCH = handle;
