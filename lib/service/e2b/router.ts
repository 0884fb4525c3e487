import "server-only";
import { serverEnv } from "@/lib/env";
import { hostnameOf, isLoopbackAddress } from "@/lib/auth/loopback.mjs";
import { safeEqual } from "@/lib/auth/token";
import { crossOrigin, serviceGate } from "@/lib/service/core/auth";
import { e2bApi } from "./api";
import { envdStream, envdUnary, envdWatchStream, filesGet, filesPost } from "./envd";
import { interpreter } from "./interpreter";
import {
  ENVD_VERSION,
  INTERPRETER_PORT,
  createSandbox,
  getSandbox,
  goneReason,
  killSandbox,
  listSandboxes,
  ownerOf,
  pauseSandbox,
  resumeSandbox,
  setSandboxTimeout,
  type E2BSandbox,
} from "./sandboxes";
import { connectBodySchema, newSandboxSchema, refreshBodySchema, sandboxStates, timeoutBodySchema } from "./schema";
import { agentSessionOfMetadata } from "@/lib/service/agent-proxy/sessions";
import { E2BCallLog } from "./traffic";

// The E2B gateway: E2B_API_URL=http://HOST:PORT/e2b (the control plane) and
// E2B_SANDBOX_URL=http://HOST:PORT/e2b/sandbox (every sandbox call; the SDKs name the sandbox in
// E2b-Sandbox-Id and the service in E2b-Sandbox-Port: 49983 envd, 49999 the code interpreter).
// Control-plane errors are E2B's `{code, message}`; a sandbox call for a sandbox that is not
// running answers 502 like E2B's edge (the SDKs read it as "sandbox not running").

function apiError(status: number, message: string): Response {
  return Response.json({ code: status, message }, { status });
}

/**
 * The gate. /e2b skips the proxy (it would buffer uploads), so the service layer's gate runs here:
 * the control plane takes the token as E2B_API_KEY (`X-API-KEY`); the sandbox plane is reached by
 * sandbox id, as on E2B (the SDK sends no key there; an X-Access-Token, when sent, is checked
 * against the sandbox's own). Without a token only loopback Hosts are answered, as everywhere.
 */
function gate(req: Request, plane: "control" | "sandbox"): Response | null {
  const token = serverEnv().PLAYGROUND_TOKEN;
  const host = req.headers.get("host") ?? "";
  if (!token && !isLoopbackAddress(hostnameOf(host))) return apiError(403, "This playground has no token, so it only answers on localhost.");
  if (plane === "sandbox") return crossOrigin(req, host) ? apiError(403, "Cross-origin requests are refused.") : null;
  return serviceGate(req, e2bApi, { token, host });
}

function toSandbox(sb: E2BSandbox) {
  return {
    templateID: sb.templateID,
    sandboxID: sb.id,
    alias: sb.templateID,
    clientID: "playground",
    envdVersion: ENVD_VERSION,
    envdAccessToken: sb.envdAccessToken,
    domain: null,
    // Ours, not E2B's: the SDKs keep fields they do not know (e2b-sdk.test.ts drives them).
    isolation: sb.isolation,
  };
}

/** Where a sandbox runs and what it cannot do, for people (E2B's own fields have no place for it). */
export function playgroundInfo(sb: E2BSandbox) {
  return { backend: sb.backend, isolation: sb.isolation, image_asked: sb.imageAsked ?? null, image_used: sb.imageUsed, note: sb.imageNote ?? null, limitations: sb.limitations };
}

function toListed(sb: E2BSandbox) {
  return {
    templateID: sb.templateID,
    alias: sb.templateID,
    sandboxID: sb.id,
    clientID: "playground",
    startedAt: new Date(sb.startedAt).toISOString(),
    endAt: new Date(sb.endAt).toISOString(),
    cpuCount: sb.cpuCount,
    memoryMB: sb.memoryMB,
    diskSizeMB: 0,
    metadata: sb.metadata,
    state: sb.paused ? ("paused" as const) : ("running" as const),
    envdVersion: ENVD_VERSION,
    isolation: sb.isolation,
  };
}

async function jsonBody(req: Request): Promise<{ ok: true; value: unknown } | { ok: false; res: Response }> {
  let text: string;
  try {
    text = await req.text();
  } catch {
    return { ok: false, res: apiError(400, "The request body could not be read.") };
  }
  if (text.length > 1024 * 1024) return { ok: false, res: apiError(413, "The request body is larger than 1 MB.") };
  try {
    return { ok: true, value: text ? (JSON.parse(text) as unknown) : {} };
  } catch (e) {
    return { ok: false, res: apiError(400, `The request body is not JSON: ${e instanceof Error ? e.message : String(e)}`) };
  }
}

/** `metadata` of the list call: the SDK URL-encodes keys and values, joins them as a query string, and the query serializer encodes that again. */
export function decodeMetadataFilter(raw: string | null): Record<string, string> | null {
  if (!raw) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    try {
      out[decodeURIComponent(k)] = decodeURIComponent(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}

async function control(req: Request, path: string[], log: E2BCallLog): Promise<Response> {
  const owner = ownerOf(req.headers.get("x-api-key"));
  const m = req.method;
  const [a, b, c, d] = path;
  const v2 = a === "v2";
  const rest = v2 ? [b, c, d] : [a, b, c];
  const [res0, id, action] = rest;
  if (res0 !== "sandboxes") return apiError(404, `No E2B route ${m} /${path.join("/")} here.`);

  if (!id) {
    if (m === "POST") {
      log.operation = "create";
      const body = await jsonBody(req);
      if (!body.ok) return body.res;
      const parsed = newSandboxSchema.safeParse(body.value);
      if (!parsed.success) return apiError(400, parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
      const r = await createSandbox(parsed.data, owner);
      if (!r.ok) {
        log.message = r.error.message;
        return apiError(r.error.status, r.error.message);
      }
      log.sandbox_id = r.sandbox.id;
      log.session_id = agentSessionOfMetadata(r.sandbox.metadata);
      log.backend = r.sandbox.backend;
      log.detail = [`template ${r.sandbox.templateID}`, `image ${r.sandbox.imageUsed}`, r.sandbox.isolation, r.sandbox.imageNote ?? "", ...r.sandbox.limitations, `timeout ${Math.round((r.sandbox.endAt - r.sandbox.startedAt) / 1000)} s`].filter(Boolean).join(", ");
      return Response.json(toSandbox(r.sandbox), { status: 201 });
    }
    if (m === "GET") {
      log.operation = "list";
      const url = new URL(req.url);
      const md = decodeMetadataFilter(url.searchParams.get("metadata"));
      const states = (url.searchParams.get("state") ?? "").split(",").filter(Boolean);
      if (states.some((s) => !(sandboxStates as readonly string[]).includes(s))) return apiError(400, `state must be one of ${sandboxStates.join(", ")}`);
      let all = listSandboxes(owner).filter((s) => !md || Object.entries(md).every(([k, v]) => s.metadata[k] === v));
      if (states.length) all = all.filter((s) => states.includes(s.paused ? "paused" : "running"));
      if (!v2) return Response.json(all.map(toListed));
      const limit = Math.min(Math.max(Number(url.searchParams.get("limit") ?? "100") || 100, 1), 1000);
      const token = url.searchParams.get("nextToken");
      let start = 0;
      if (token) {
        const at = all.findIndex((s) => s.id === token);
        if (at < 0) return apiError(400, "nextToken does not name a listed sandbox (it may have ended).");
        start = at;
      }
      const page = all.slice(start, start + limit);
      const next = all[start + limit];
      return Response.json(page.map(toListed), { headers: { ...(next ? { "x-next-token": next.id } : {}), "x-total-running": String(all.length) } });
    }
    return apiError(405, `${m} /sandboxes is not supported.`);
  }

  log.sandbox_id = id;
  const sb = getSandbox(id, owner);
  if (sb) log.backend = sb.backend;
  const notFound = () => apiError(404, `sandbox "${id}" doesn't exist or you don't have access to it${goneReason(id) ? ` (it was ${goneReason(id)})` : ""}`);
  if (!action) {
    if (m === "GET") {
      log.operation = "get";
      if (!sb) return notFound();
      // `playground`: what E2B's info has no field for (the SDK ignores it; curl and the UI show it).
      return Response.json({ ...toListed(sb), envdAccessToken: sb.envdAccessToken, domain: null, playground: playgroundInfo(sb) });
    }
    if (m === "DELETE") {
      log.operation = "kill";
      if (!sb) return notFound();
      await killSandbox(id, "killed");
      return new Response(null, { status: 204 });
    }
    return apiError(405, `${m} /sandboxes/{id} is not supported.`);
  }
  if (m === "POST" && (action === "timeout" || action === "connect")) {
    log.operation = action;
    const body = await jsonBody(req);
    if (!body.ok) return body.res;
    const parsed = (action === "timeout" ? timeoutBodySchema : connectBodySchema).safeParse(body.value);
    if (!parsed.success) return apiError(400, "timeout (seconds, an integer ≥ 0) is required");
    if (!sb) return notFound();
    if (action === "connect" && sb.paused) {
      const r = await resumeSandbox(sb);
      if (!r.ok) return apiError(r.status, r.message);
      log.message = "resumed (docker unpause)";
    }
    if (parsed.data.timeout !== undefined) setSandboxTimeout(sb, parsed.data.timeout, action === "timeout" ? "set" : "extend");
    log.detail = `ends ${new Date(sb.endAt).toISOString()}`;
    return action === "timeout" ? new Response(null, { status: 204 }) : Response.json(toSandbox(sb), { status: 200 });
  }
  if (m === "POST" && action === "refreshes") {
    log.operation = "refresh";
    const body = await jsonBody(req);
    if (!body.ok) return body.res;
    const parsed = refreshBodySchema.safeParse(body.value);
    if (!parsed.success || !sb) return sb ? apiError(400, "duration must be 0-3600 seconds") : notFound();
    setSandboxTimeout(sb, parsed.data.duration ?? 60, "extend");
    return new Response(null, { status: 204 });
  }
  if (m === "GET" && action === "metrics") {
    log.operation = "metrics";
    if (!sb) return notFound();
    return Response.json([]);
  }
  if (m === "POST" && action === "pause") {
    log.operation = "pause";
    if (!sb) return notFound();
    const r = await pauseSandbox(sb);
    if (!r.ok) {
      log.message = r.message;
      return apiError(r.status, r.message);
    }
    log.detail = "docker pause";
    return new Response(null, { status: 204 });
  }
  if (m === "POST" && action === "resume") {
    log.operation = "resume";
    if (!sb) return notFound();
    const r = await resumeSandbox(sb);
    return r.ok ? Response.json(toSandbox(sb), { status: 201 }) : apiError(r.status, r.message);
  }
  if (m === "POST" && (action === "snapshots" || action === "fork")) {
    log.operation = action;
    return apiError(501, `${action} is not supported by this playground (sandboxes run until killed or expired).`);
  }
  return apiError(404, `No E2B route ${m} /${path.join("/")} here.`);
}

/** A sandbox call: the sandbox named by E2b-Sandbox-Id, the service by E2b-Sandbox-Port. */
async function sandboxPlane(req: Request, path: string[], log: E2BCallLog): Promise<Response> {
  const id = req.headers.get("e2b-sandbox-id") ?? "";
  const port = Number(req.headers.get("e2b-sandbox-port") ?? "49983");
  const rest = path.slice(1).join("/");
  log.sandbox_id = id || undefined;
  log.operation = rest || "envd";
  const sb = id ? getSandbox(id) : undefined;
  const token = req.headers.get("x-access-token");
  if (sb?.paused) {
    log.message = `sandbox ${id} is paused`;
    return Response.json({ code: 502, message: "The sandbox is paused; connect to resume it", sandboxId: id }, { status: 502 });
  }
  if (!sb || (token !== null && !safeEqual(token, sb.envdAccessToken))) {
    const why = goneReason(id);
    log.message = `sandbox ${id || "(no E2b-Sandbox-Id header)"} is not running${why ? ` (${why})` : ""}`;
    // E2B's edge answers this for a sandbox that is not (or no longer) running.
    return Response.json({ code: 502, message: `The sandbox was not found${why ? ` (it was ${why})` : ""}`, sandboxId: id }, { status: 502 });
  }
  log.backend = sb.backend;
  const url = new URL(req.url);
  if (port === INTERPRETER_PORT) return interpreter(sb, req, rest, log);
  if (rest === "health" && req.method === "GET") {
    log.operation = "health";
    return new Response(null, { status: 204 });
  }
  if (rest === "files") {
    if (req.method === "GET") {
      log.operation = "files.read";
      return filesGet(sb, url, log);
    }
    if (req.method === "POST") {
      log.operation = "files.write";
      return filesPost(sb, req, url, log);
    }
  }
  if (rest === "process.Process/Start" || rest === "process.Process/Connect") {
    log.operation = rest === "process.Process/Start" ? "command" : "command.connect";
    return envdStream(sb, rest, req, log);
  }
  if (rest === "filesystem.Filesystem/WatchDir") {
    log.operation = "fs.watch";
    return envdWatchStream(sb, req, log);
  }
  if (/^(process\.Process|filesystem\.Filesystem)\/\w+$/.test(rest) && req.method === "POST") {
    log.operation = rest.replace(/^process\.Process\//, "process.").replace(/^filesystem\.Filesystem\//, "fs.");
    return envdUnary(sb, rest, req, log);
  }
  return Response.json({ code: 404, message: `envd has no ${req.method} /${rest}` }, { status: 404 });
}

/** The answer to one E2B call and what Traffic should show of it (the service layer records it). */
export async function handleE2B(req: Request, path: string[]): Promise<{ response: Response; log: E2BCallLog }> {
  const plane = path[0] === "sandbox" ? "sandbox" : "control";
  const log = new E2BCallLog(plane);
  const refused = gate(req, plane);
  if (refused) {
    log.operation = "refused";
    log.http_status = refused.status;
    log.done();
    return { response: refused, log };
  }
  if (plane === "control" && path.length === 1 && path[0] === "health") {
    log.skip();
    return { response: new Response(null, { status: 204 }), log };
  }
  const route = `/e2b/${path.join("/")}`;
  let res: Response;
  try {
    res = plane === "sandbox" ? await sandboxPlane(req, path, log) : await control(req, path, log);
  } catch (e) {
    console.error(`[e2b] ${req.method} ${route} failed`, e);
    res = apiError(500, `internal error: ${e instanceof Error ? e.message : String(e)}`);
  }
  log.http_status = res.status;
  // Streams (commands, downloads, code runs) complete their record when they end; health checks are not recorded.
  const type = res.headers.get("content-type");
  const streaming = (type === "application/connect+json" && res.status === 200 && res.body !== null && (log.pid !== undefined || log.stream === true)) || type === "application/x-ndjson" || (log.operation === "files.read" && res.ok);
  if (log.operation === "health") log.skip();
  else if (!streaming) log.done();
  return { response: res, log };
}
