import { defaultTokens, type ServiceApi } from "@/lib/service/core/api";
import { fastApiErrorResponse } from "@/lib/service/core/errors";

// The agent proxy as the token gate sees it. Its model routes (/agent/v1/…) read the caller's API
// key as the session id (as slime does), so there the playground token travels in
// `X-Playground-Token` or `?api_key=` instead of Bearer / X-Api-Key; the other routes take the
// usual channels. Gate refusals keep the `{detail}` shape the proxy gave them before.

const modelPrefix = "/agent/v1/";

export const agentProxyApi: ServiceApi = {
  name: "agent",
  prefixes: ["/agent"],
  errorResponse: (e) => fastApiErrorResponse(e, { headers: { "cache-control": "no-store" } }),
  tokens(request) {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(modelPrefix)) return defaultTokens(request);
    return [request.headers.get("x-playground-token"), url.searchParams.get("api_key")];
  },
};
