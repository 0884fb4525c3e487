import type { ServiceApi } from "@/lib/service/core/api";
import { statusOf } from "@/lib/service/core/errors";

// E2B's wire for refusals: the control plane's `{code, message}` (the SDK's not-found handling
// reads `code`). No server imports: the proxy reads API definitions.

export const e2bApi: ServiceApi = {
  name: "e2b",
  prefixes: ["/e2b"],
  errorResponse: (e) => Response.json({ code: statusOf(e), message: e.message }, { status: statusOf(e), headers: { "cache-control": "no-store" } }),
};
