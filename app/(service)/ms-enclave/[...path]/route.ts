import { handleMsEnclave } from "@/lib/service/ms-enclave/routes";

// ms-enclave's HTTP API (HttpSandboxManager's base_url = http://<host>:<port>/ms-enclave). One
// catch-all route; lib/service/ms-enclave/routes.ts declares the routes on the service layer.

export const dynamic = "force-dynamic";

export const GET = handleMsEnclave;
export const POST = handleMsEnclave;
export const DELETE = handleMsEnclave;
export const PUT = handleMsEnclave;
export const PATCH = handleMsEnclave;
