import { defaultTokens, type ServiceApi } from "@/lib/service/core/api";
import { fastApiErrorResponse } from "@/lib/service/core/errors";
import { anthropicWire } from "./anthropic";
import { openAiWire } from "./openai";
import { wireErrorResponse } from "./wire";

// The agent proxy as the service layer sees it: three APIs under /agent, so every refusal (the
// token gate's included) is in the shape its caller reads. The model routes (/agent/v1/…) read the
// caller's API key as the session id (as slime does), so there the playground token travels in
// `X-Playground-Token` or `?api_key=` instead of Bearer / X-Api-Key; the session routes take the
// usual channels and answer `{detail}`. apis.ts lists the model APIs before the /agent one.

const noStore = { "cache-control": "no-store" };

function modelTokens(request: Request): (string | null)[] {
  return [request.headers.get("x-playground-token"), new URL(request.url).searchParams.get("api_key")];
}

export const agentOpenAiApi: ServiceApi = {
  name: "agent",
  prefixes: ["/agent/v1/chat", "/agent/v1/models"],
  errorResponse: (e) => wireErrorResponse(openAiWire, e, noStore),
  tokens: modelTokens,
};

export const agentAnthropicApi: ServiceApi = {
  name: "agent",
  prefixes: ["/agent/v1/messages", "/agent/v1"],
  errorResponse: (e) => wireErrorResponse(anthropicWire, e, noStore),
  tokens: modelTokens,
};

export const agentProxyApi: ServiceApi = {
  name: "agent",
  prefixes: ["/agent"],
  errorResponse: (e) => fastApiErrorResponse(e, { envelope: true, headers: noStore }),
  tokens: (request) => defaultTokens(request),
};
