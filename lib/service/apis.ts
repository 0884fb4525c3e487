import { agentAnthropicApi, agentOpenAiApi, agentProxyApi } from "./agent-proxy/api";
import { apiForPath, type ServiceApi } from "./core/api";
import { e2bApi } from "./e2b/api";
import { msEnclaveApi } from "./ms-enclave/api";
import { sandboxFusionApi } from "./sandbox-fusion/api";

// Every programs' API the playground serves. The proxy (token gate) finds a request's API here
// by URL prefix, so a refusal is answered in that API's own shape. Add a new API here.

export const serviceApis: readonly ServiceApi[] = [sandboxFusionApi, msEnclaveApi, agentOpenAiApi, agentAnthropicApi, agentProxyApi, e2bApi];

export const serviceApiFor = (pathname: string): ServiceApi | undefined => apiForPath(serviceApis, pathname);
