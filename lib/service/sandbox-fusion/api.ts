import type { ServiceApi } from "@/lib/service/core/api";
import { fastApiErrorResponse } from "@/lib/service/core/errors";

// SandboxFusion's wire for refusals: FastAPI's `{detail}` (a message, or the 422 items), with our own
// `{error}` envelope beside it so our tools can read the code and the field at fault.

export const sandboxFusionApi: ServiceApi = {
  name: "sandbox-fusion",
  prefixes: ["/sandbox-fusion"],
  errorResponse: (e) => fastApiErrorResponse(e, { envelope: true, headers: { "cache-control": "no-store" } }),
};
