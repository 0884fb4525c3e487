import "server-only";
import { err, ok, type Result } from "@/lib/result";
import { readBodyBytes, readJsonBody } from "@/lib/service/core/body";
import { invalidInput, invalidItems, type ServiceError, type ValidationItem } from "@/lib/service/core/errors";
import { noInput, serviceRoute, serviceRouter, type CallContext, type RouteEntry, type ServiceCall, type ServiceRouteSpec } from "@/lib/service/core/route";
import type { TrafficFields } from "@/lib/service/core/traffic";
import type { TrafficOutcome } from "@/lib/traffic/types";
import { msEnclaveApi } from "./api";
import {
  createSandbox,
  deleteSandbox,
  executeInPool,
  executeTool,
  getSandbox,
  initializePool,
  listSandboxes,
  msEnclaveStats,
  putArchive,
  sandboxInfo,
  sandboxTools,
  stopSandbox,
  uptimeS,
  type Answer,
} from "./manager";
import { sandboxStatuses, sandboxTypes, toolExecutionRequestSchema, type HealthCheckResult, type SandboxStatus, type SandboxType } from "./wire";

// The /ms-enclave/* routes, as ms-enclave's FastAPI server answers them (same paths, query
// parameters, status codes and FastAPI's 422 items), declared on the service layer. Calls that
// change something are recorded for Traffic; reads (health, list, info, tool schemas) are not:
// clients poll them, and they run nothing.

// ---------------------------------------------------------------- FastAPI's validation wording

function enumItem(loc: (string | number)[], allowed: readonly string[], input: unknown): ValidationItem {
  const list = allowed.map((a) => `'${a}'`);
  return { type: "enum", loc, msg: `Input should be ${list.slice(0, -1).join(", ")} or ${list[list.length - 1]}`, input };
}
const missing = (loc: (string | number)[]): ValidationItem => ({ type: "missing", loc, msg: "Field required", input: null });
const dictItem = (loc: (string | number)[], input: unknown): ValidationItem => ({ type: "dict_type", loc, msg: "Input should be a valid dictionary", input });
const isDict = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A JSON body under the size cap; empty = null (FastAPI's optional body); not JSON = 422 json_invalid. */
async function jsonBody(request: Request): Promise<Result<unknown, ServiceError>> {
  const body = await readJsonBody(request, { empty: null });
  if (body.ok || body.error.code !== "bad_request:json") return body;
  return err(invalidItems([{ type: "json_invalid", loc: ["body", 0], msg: "JSON decode error", input: {}, ctx: { error: body.error.message } }]));
}

/** An optional dict body (a sandbox config). */
async function configBody(request: Request, items: ValidationItem[] = []): Promise<Result<Record<string, unknown> | null, ServiceError>> {
  const body = await jsonBody(request);
  if (!body.ok) return body;
  if (body.value !== null && !isDict(body.value)) items.push(dictItem(["body"], body.value));
  return items.length ? err(invalidItems(items)) : ok(body.value as Record<string, unknown> | null);
}

const oneOf = <T extends string>(allowed: readonly T[], v: string): v is T => (allowed as readonly string[]).includes(v);

// ---------------------------------------------------------------- Traffic

const toolLanguage: Record<string, string> = { python_executor: "python", notebook_executor: "python", code_interpreter: "python", shell_executor: "bash" };

/** What the Traffic page shows of a tool call's request. */
function toolView(sandboxId: string | undefined, tool: string, params: Record<string, unknown>): TrafficFields {
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  let code = str(params.code);
  if (tool === "shell_executor") code = Array.isArray(params.command) ? params.command.map(String).join("\n") : str(params.command);
  if (tool === "file_operation") code = `# ${str(params.operation) ?? "?"} ${str(params.file_path) ?? ""}\n${str(params.content) ?? ""}`;
  const language = tool === "multi_code_executor" ? str(params.language) : toolLanguage[tool];
  const files = isDict(params.files) ? Object.entries(params.files).map(([name, v]) => ({ name, size: typeof v === "string" ? Buffer.byteLength(v) : 0 })) : undefined;
  return { sandbox_id: sandboxId, tool_name: tool, language, code, files };
}

function errorOutcome(status: number): TrafficOutcome {
  if (status === 504 || status === 408) return "timeout";
  return status >= 500 ? "sandbox_error" : "rejected";
}

/** The Traffic fields of a call that changes something (the tool result's own fields come from the handler). */
const recorded =
  <I>(view?: (input: I) => TrafficFields) =>
  (call: ServiceCall<I, unknown>): TrafficFields => {
    const request = call.input !== undefined && view ? view(call.input) : {};
    if (call.error) {
      const e = call.error;
      return { ...request, outcome: errorOutcome(call.http_status), status: `HTTP ${call.http_status}`, message: e.issues ? JSON.stringify(e.issues) : e.message };
    }
    return { outcome: "success", status: "ok", ...request };
  };

// ---------------------------------------------------------------- the routes

type Spec<I> = Omit<ServiceRouteSpec<I, unknown>, "api" | "run"> & { run(input: I, ctx: CallContext): Answer | Promise<Answer> };
const route = <I>(method: RouteEntry["method"], path: string, spec: Spec<I>): RouteEntry => ({
  method,
  path,
  handler: serviceRoute<I, unknown>({ api: msEnclaveApi, ...spec, run: async (input, ctx) => spec.run(input, ctx) }),
});
const query = (ctx: CallContext, name: string) => ctx.url.searchParams.get(name);

export const msEnclaveRoutes: RouteEntry[] = [
  route("GET", "/health", {
    parse: noInput,
    run: () => {
      const stats = msEnclaveStats();
      const body: HealthCheckResult = { healthy: true, version: "1.0.0", uptime: uptimeS(), active_sandboxes: stats.total_sandboxes as number, system_info: stats };
      return ok({ body });
    },
  }),
  route("GET", "/stats", { parse: noInput, run: () => ok({ body: msEnclaveStats() }) }),
  route<SandboxStatus | undefined>("GET", "/sandboxes", {
    parse: (ctx) => {
      const status = query(ctx, "status");
      if (status === null) return ok(undefined);
      return oneOf(sandboxStatuses, status) ? ok(status) : err(invalidItems([enumItem(["query", "status"], sandboxStatuses, status)]));
    },
    run: (status) => ok({ body: listSandboxes(status) }),
  }),
  route<{ type: SandboxType; config: Record<string, unknown> | null }>("POST", "/sandbox/create", {
    async parse(ctx) {
      const type = query(ctx, "sandbox_type");
      if (type === null) return err(invalidItems([missing(["query", "sandbox_type"])]));
      if (!oneOf(sandboxTypes, type)) return err(invalidItems([enumItem(["query", "sandbox_type"], sandboxTypes, type)]));
      const config = await configBody(ctx.request);
      return config.ok ? ok({ type, config: config.value }) : config;
    },
    run: ({ type, config }) => createSandbox(type, config),
    toTraffic: recorded(),
  }),
  route("POST", "/sandbox/tool/execute", {
    async parse(ctx) {
      const body = await jsonBody(ctx.request);
      if (!body.ok) return body;
      const parsed = toolExecutionRequestSchema.safeParse(body.value);
      return parsed.success ? ok(parsed.data) : err(invalidInput(parsed.error, body.value));
    },
    run: (r, ctx) => executeTool(r.sandbox_id, r.tool_name, r.parameters, r.timeout, ctx.signal),
    toTraffic: recorded((r) => toolView(r.sandbox_id, r.tool_name, r.parameters)),
  }),
  route("GET", "/sandbox/:id", {
    parse: (ctx) => ok(ctx.params.id!),
    run: (id) => {
      const sb = getSandbox(id);
      return sb ? ok({ body: sandboxInfo(sb) }) : err({ code: "not_found:sandbox", message: "Sandbox not found" });
    },
  }),
  route("DELETE", "/sandbox/:id", { parse: (ctx) => ok(ctx.params.id!), run: (id) => deleteSandbox(id), toTraffic: recorded((id) => ({ sandbox_id: id })) }),
  route("POST", "/sandbox/:id/stop", { parse: (ctx) => ok(ctx.params.id!), run: (id) => stopSandbox(id), toTraffic: recorded((id) => ({ sandbox_id: id })) }),
  route("GET", "/sandbox/:id/tools", { parse: (ctx) => ok(ctx.params.id!), run: (id) => sandboxTools(id) }),
  route<{ id: string; target_dir: string; data: Buffer }>("POST", "/sandbox/:id/archive", {
    async parse(ctx) {
      const target_dir = query(ctx, "target_dir");
      if (target_dir === null) return err(invalidItems([missing(["query", "target_dir"])]));
      const body = await readBodyBytes(ctx.request);
      return body.ok ? ok({ id: ctx.params.id!, target_dir, data: body.value }) : body;
    },
    run: ({ id, target_dir, data }, ctx) => putArchive(id, target_dir, data, ctx.signal),
    toTraffic: recorded(({ id, target_dir, data }) => ({ sandbox_id: id, tool_name: "put_archive", code: `# put_archive ${target_dir} (${data.length} bytes)` })),
  }),
  route<{ size?: number; type?: SandboxType; config: Record<string, unknown> | null }>("POST", "/pool/initialize", {
    async parse(ctx) {
      const items: ValidationItem[] = [];
      const sizeRaw = query(ctx, "pool_size");
      const size = sizeRaw === null ? undefined : Number(sizeRaw);
      if (size !== undefined && !Number.isInteger(size)) {
        items.push({ type: "int_parsing", loc: ["query", "pool_size"], msg: "Input should be a valid integer, unable to parse string as an integer", input: sizeRaw });
      }
      const type = query(ctx, "sandbox_type");
      if (type !== null && !oneOf(sandboxTypes, type)) items.push(enumItem(["query", "sandbox_type"], sandboxTypes, type));
      if (items.length) return err(invalidItems(items));
      const config = await configBody(ctx.request);
      return config.ok ? ok({ ...(size !== undefined ? { size } : {}), ...(type !== null ? { type: type as SandboxType } : {}), config: config.value }) : config;
    },
    run: ({ size, type, config }) => initializePool(size, type, config),
    toTraffic: recorded(),
  }),
  route<{ tool: string; timeout?: number; params: Record<string, unknown> }>("POST", "/pool/execute", {
    async parse(ctx) {
      const items: ValidationItem[] = [];
      const tool = query(ctx, "tool_name");
      if (tool === null) items.push(missing(["query", "tool_name"]));
      const tRaw = query(ctx, "timeout");
      const timeout = tRaw === null ? undefined : Number(tRaw);
      if (timeout !== undefined && !Number.isFinite(timeout)) {
        items.push({ type: "float_parsing", loc: ["query", "timeout"], msg: "Input should be a valid number, unable to parse string as a number", input: tRaw });
      }
      const body = await jsonBody(ctx.request);
      if (!body.ok) return body;
      if (body.value === null) items.push(missing(["body"]));
      else if (!isDict(body.value)) items.push(dictItem(["body"], body.value));
      if (items.length) return err(invalidItems(items));
      return ok({ tool: tool!, ...(timeout !== undefined ? { timeout } : {}), params: body.value as Record<string, unknown> });
    },
    run: ({ tool, timeout, params }, ctx) => executeInPool(tool, params, timeout, ctx.signal),
    toTraffic: recorded((r) => toolView(undefined, r.tool, r.params)),
  }),
];

/** The handler of app/(service)/ms-enclave/[...path]/route.ts. */
export const handleMsEnclave = serviceRouter(msEnclaveApi, msEnclaveRoutes);
