import type { ServiceApi } from "@/lib/service/core/api";
import { fastApiErrorResponse } from "@/lib/service/core/errors";

// ms-enclave's wire for refusals, as its FastAPI server sends them: `{detail}` (a message, or the
// 422 items), never cached.

export const msEnclaveApi: ServiceApi = {
  name: "ms-enclave",
  prefixes: ["/ms-enclave"],
  errorResponse: (e) => fastApiErrorResponse(e, { headers: { "cache-control": "no-store" } }),
};
