import type { TrafficApi } from "@/lib/traffic/types";
import type { ServiceError } from "./errors";

// What the service layer needs to know about one programs' API (SandboxFusion, ms-enclave, …):
// where it lives, how it says "no", and where its clients carry the token. Everything else (body
// limits, the queue, Traffic) is the same for every API and lives in lib/service/core.
// No server imports: the proxy (the token gate) reads these definitions.

export interface ServiceApi {
  /** Traffic's name for the API. */
  name: TrafficApi;
  /** URL prefixes the API answers under ("/sandbox-fusion"); the proxy finds a request's API by them. */
  prefixes: readonly string[];
  /**
   * Every refusal and failure of this API in its wire shape: the token gate's 401/403/413, bad
   * bodies, a full queue, a handler that threw. The one place an API's error shape is written.
   */
  errorResponse(e: ServiceError): Response;
  /**
   * The token candidates this API's clients send (default: `defaultTokens`, i.e. Bearer, `X-API-Key`
   * and `?api_key=`). Replace it when the API gives those headers another meaning (an API key that
   * is the caller's session id) or its SDK sends the key elsewhere. The session cookie always counts.
   */
  tokens?(request: Request): (string | null)[];
  /** Body cap in bytes when it is not PLAYGROUND_API_MAX_BODY_MB (e.g. file uploads). */
  maxBodyBytes?(): number;
}

/** The API whose prefix the path falls under, if any. */
export function apiForPath<A extends Pick<ServiceApi, "prefixes">>(apis: readonly A[], pathname: string): A | undefined {
  return apis.find((a) => a.prefixes.some((p) => pathname === p || pathname.startsWith(`${p}/`)));
}

/** Bearer, `X-API-Key` and `?api_key=`: where programs usually put a key. */
export function defaultTokens(request: Request): (string | null)[] {
  const bearer = /^Bearer\s+(.+)$/i.exec((request.headers.get("authorization") ?? "").trim())?.[1] ?? null;
  return [bearer, request.headers.get("x-api-key")?.trim() ?? null, new URL(request.url).searchParams.get("api_key")];
}
