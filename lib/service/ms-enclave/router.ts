import "server-only";
import { httpStatus } from "@/lib/errors";
import { readBodyText } from "@/lib/service/core/http";
import { clientOf } from "@/lib/traffic/client";
import { recordCall } from "@/lib/traffic/recorder";
import type { TrafficOutcome, TrafficRecordInput } from "@/lib/traffic/types";
import {
  createSandbox,
  deleteSandbox,
  executeInPool,
  executeTool,
  getSandbox,
  initializePool,
  listSandboxes,
  msEnclaveStats,
  sandboxInfo,
  sandboxTools,
  stopSandbox,
  uptimeS,
  type Answer,
} from "./manager";
import { sandboxStatuses, sandboxTypes, toolExecutionRequestSchema, type HealthCheckResult, type ValidationItem } from "./wire";

// The /ms-enclave/* routes, as ms-enclave's FastAPI server answers them: JSON bodies, errors as
// `{detail}` (a string, or FastAPI's list of validation items with 422), the same status codes.

const json = (status: number, body: unknown) =>
  Response.json(body, { status, headers: { "cache-control": "no-store" } });

const invalid = (items: ValidationItem[]): Answer => ({ status: 422, body: { detail: items } });

type Body = { ok: true; value: unknown } | { ok: false; answer: Answer };

/** Reads a JSON body under the size cap. Empty body = null (FastAPI's optional body). */
async function readJson(request: Request): Promise<Body> {
  const body = await readBodyText(request);
  if (!body.ok) return { ok: false, answer: { status: httpStatus(body.error.code), body: { detail: body.error.message } } };
  const text = body.value;
  if (text.trim() === "") return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return {
      ok: false,
      answer: invalid([{ type: "json_invalid", loc: ["body", 0], msg: "JSON decode error", input: {}, ...(e instanceof Error ? { ctx: { error: e.message } } : {}) }]),
    };
  }
}

function enumItem(loc: (string | number)[], allowed: readonly string[], input: unknown): ValidationItem {
  const list = allowed.map((a) => `'${a}'`);
  const msg = `Input should be ${list.slice(0, -1).join(", ")} or ${list[list.length - 1]}`;
  return { type: "enum", loc, msg, input };
}

const missing = (loc: (string | number)[]): ValidationItem => ({ type: "missing", loc, msg: "Field required", input: null });

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function dictItem(loc: (string | number)[], input: unknown): ValidationItem {
  return { type: "dict_type", loc, msg: "Input should be a valid dictionary", input };
}

interface Routed {
  answer: Answer;
  /** Filled for calls the traffic log records. */
  record?: Partial<TrafficRecordInput>;
}

async function route(request: Request, path: string[]): Promise<Routed | null> {
  const method = request.method.toUpperCase();
  const url = new URL(request.url);
  const q = url.searchParams;
  const [a, b, c] = path;
  const n = path.length;

  if (n === 1 && a === "health" && method === "GET") {
    const stats = msEnclaveStats();
    const body: HealthCheckResult = {
      healthy: true,
      version: "1.0.0",
      uptime: uptimeS(),
      active_sandboxes: stats.total_sandboxes as number,
      system_info: stats,
    };
    return { answer: { status: 200, body } };
  }
  if (n === 1 && a === "stats" && method === "GET") return { answer: { status: 200, body: msEnclaveStats() } };

  if (n === 1 && a === "sandboxes" && method === "GET") {
    const status = q.get("status");
    if (status !== null && !(sandboxStatuses as readonly string[]).includes(status)) {
      return { answer: invalid([enumItem(["query", "status"], sandboxStatuses, status)]) };
    }
    return { answer: { status: 200, body: listSandboxes((status ?? undefined) as never) } };
  }

  if (n === 2 && a === "sandbox" && b === "create" && method === "POST") {
    const type = q.get("sandbox_type");
    if (type === null) return { answer: invalid([missing(["query", "sandbox_type"])]) };
    if (!(sandboxTypes as readonly string[]).includes(type)) return { answer: invalid([enumItem(["query", "sandbox_type"], sandboxTypes, type)]) };
    const body = await readJson(request);
    if (!body.ok) return { answer: body.answer };
    if (body.value !== null && !isDict(body.value)) return { answer: invalid([dictItem(["body"], body.value)]) };
    const answer = await createSandbox(type as (typeof sandboxTypes)[number], body.value);
    const id = answer.status === 200 ? (answer.body as { sandbox_id: string }).sandbox_id : undefined;
    return { answer, record: { sandbox_id: id, message: id ? `created ${type} sandbox` : undefined } };
  }

  if (n === 3 && a === "sandbox" && b === "tool" && c === "execute" && method === "POST") {
    const body = await readJson(request);
    if (!body.ok) return { answer: body.answer };
    const parsed = toolExecutionRequestSchema.safeParse(body.value);
    if (!parsed.success) {
      return {
        answer: invalid(
          parsed.error.issues.map((i) => ({
            type: i.code === "invalid_type" && (i as { input?: unknown }).input === undefined ? "missing" : i.code,
            loc: ["body", ...i.path.map((p) => (typeof p === "number" ? p : String(p)))],
            msg: i.code === "invalid_type" && (i as { input?: unknown }).input === undefined ? "Field required" : i.message,
            input: null,
          })),
        ),
      };
    }
    const { sandbox_id, tool_name, parameters, timeout } = parsed.data;
    const answer = await executeTool(sandbox_id, tool_name, parameters, timeout, request.signal);
    return { answer, record: toolRecord(sandbox_id, tool_name, parameters) };
  }

  if (n === 2 && a === "sandbox" && method === "GET") {
    const sb = getSandbox(b!);
    return { answer: sb ? { status: 200, body: sandboxInfo(sb) } : { status: 404, body: { detail: "Sandbox not found" } } };
  }
  if (n === 2 && a === "sandbox" && method === "DELETE") {
    return { answer: await deleteSandbox(b!), record: { sandbox_id: b } };
  }
  if (n === 3 && a === "sandbox" && c === "stop" && method === "POST") {
    return { answer: await stopSandbox(b!), record: { sandbox_id: b } };
  }
  if (n === 3 && a === "sandbox" && c === "tools" && method === "GET") return { answer: sandboxTools(b!) };
  if (n === 3 && a === "sandbox" && c === "archive" && method === "POST") {
    const target = q.get("target_dir");
    if (target === null) return { answer: invalid([missing(["query", "target_dir"])]) };
    if (!getSandbox(b!)) return { answer: { status: 404, body: { detail: `Sandbox ${b} not found` } } };
    return { answer: { status: 501, body: { detail: "put_archive is not supported by this server; write files with the file_operation tool." } } };
  }

  if (n === 2 && a === "pool" && b === "initialize" && method === "POST") {
    const items: ValidationItem[] = [];
    const sizeRaw = q.get("pool_size");
    const size = sizeRaw === null ? undefined : Number(sizeRaw);
    if (size !== undefined && !Number.isInteger(size)) {
      items.push({ type: "int_parsing", loc: ["query", "pool_size"], msg: "Input should be a valid integer, unable to parse string as an integer", input: sizeRaw });
    }
    const type = q.get("sandbox_type");
    if (type !== null && !(sandboxTypes as readonly string[]).includes(type)) items.push(enumItem(["query", "sandbox_type"], sandboxTypes, type));
    if (items.length) return { answer: invalid(items) };
    const body = await readJson(request);
    if (!body.ok) return { answer: body.answer };
    if (body.value !== null && !isDict(body.value)) return { answer: invalid([dictItem(["body"], body.value)]) };
    const answer = await initializePool(size, (type ?? undefined) as never, body.value);
    return { answer, record: { message: answer.status === 200 ? `pool of ${(answer.body as { pool_size: number }).pool_size}` : undefined } };
  }

  if (n === 2 && a === "pool" && b === "execute" && method === "POST") {
    const items: ValidationItem[] = [];
    const tool = q.get("tool_name");
    if (tool === null) items.push(missing(["query", "tool_name"]));
    const tRaw = q.get("timeout");
    const timeout = tRaw === null ? undefined : Number(tRaw);
    if (timeout !== undefined && !Number.isFinite(timeout)) {
      items.push({ type: "float_parsing", loc: ["query", "timeout"], msg: "Input should be a valid number, unable to parse string as a number", input: tRaw });
    }
    const body = await readJson(request);
    if (!body.ok) return { answer: body.answer };
    if (body.value === null) items.push(missing(["body"]));
    else if (!isDict(body.value)) items.push(dictItem(["body"], body.value));
    if (items.length) return { answer: invalid(items) };
    const params = body.value as Record<string, unknown>;
    const answer = await executeInPool(tool!, params, timeout, request.signal);
    return { answer, record: toolRecord(undefined, tool!, params) };
  }

  return null;
}

const toolLanguage: Record<string, string> = {
  python_executor: "python",
  notebook_executor: "python",
  code_interpreter: "python",
  shell_executor: "bash",
};

function toolRecord(sandboxId: string | undefined, tool: string, params: Record<string, unknown>): Partial<TrafficRecordInput> {
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  let code = str(params.code);
  if (tool === "shell_executor") {
    code = Array.isArray(params.command) ? params.command.map(String).join("\n") : str(params.command);
  }
  if (tool === "file_operation") code = `# ${str(params.operation) ?? "?"} ${str(params.file_path) ?? ""}\n${str(params.content) ?? ""}`;
  const language = tool === "multi_code_executor" ? str(params.language) : toolLanguage[tool];
  const files = isDict(params.files)
    ? Object.entries(params.files).map(([name, v]) => ({ name, size: typeof v === "string" ? Buffer.byteLength(v) : 0 }))
    : undefined;
  return { sandbox_id: sandboxId, tool_name: tool, language, code, files };
}

function outcomeOf(a: Answer): { outcome: TrafficOutcome; status: string } {
  if (a.status === 200 && a.result) {
    const s = a.result.status;
    return { outcome: s === "success" ? "success" : s === "timeout" ? "timeout" : "failed", status: s };
  }
  if (a.status === 200) return { outcome: "success", status: "ok" };
  if (a.status === 504 || a.status === 408) return { outcome: "timeout", status: `HTTP ${a.status}` };
  if (a.status >= 500) return { outcome: "sandbox_error", status: `HTTP ${a.status}` };
  return { outcome: "rejected", status: `HTTP ${a.status}` };
}

/** Entry point of app/(service)/ms-enclave/[...path]/route.ts. Never throws. */
export async function handleMsEnclave(request: Request, path: string[]): Promise<Response> {
  const arrived = Date.now();
  const t0 = performance.now();
  let routed: Routed | null;
  try {
    routed = await route(request, path);
  } catch (e) {
    console.error("[ms-enclave] request failed", e);
    routed = { answer: { status: 500, body: { detail: e instanceof Error ? e.message : String(e) } } };
  }
  if (!routed) {
    const known = ["health", "stats", "sandboxes", "sandbox", "pool"].includes(path[0] ?? "");
    return json(known ? 405 : 404, { detail: known ? "Method Not Allowed" : "Not Found" });
  }
  const { answer, record } = routed;
  const method = request.method.toUpperCase();
  // Reads (health, list, info, tool schemas) are not recorded: clients poll them, and they run nothing.
  if (method !== "GET") {
    const elapsed = performance.now() - t0;
    const { outcome, status } = outcomeOf(answer);
    const r = answer.result;
    const detailText = (answer.body as { detail?: unknown } | null)?.detail;
    const { ip, userAgent } = clientOf(request);
    recordCall({
      time: arrived,
      client: ip,
      ...(userAgent ? { user_agent: userAgent } : {}),
      api: "ms-enclave",
      route: `/ms-enclave/${path.join("/")}`,
      method,
      http_status: answer.status,
      outcome,
      status,
      ...record,
      ...(r ? { stdout: r.stdout ?? r.output, stderr: r.stderr, return_code: r.exit_code ?? null } : {}),
      message: r?.error ?? (typeof detailText === "string" ? detailText : detailText ? JSON.stringify(detailText) : record?.message),
      queue_ms: answer.queue_ms ?? 0,
      run_ms: answer.run_ms ?? Math.max(0, elapsed - (answer.queue_ms ?? 0)),
      ...(answer.backend ? { backend: answer.backend } : {}),
      ...(r ? { sandbox_id: record?.sandbox_id ?? ((answer.body as { metadata?: { sandbox_id?: string } }).metadata?.sandbox_id) } : {}),
    });
  }
  return json(answer.status, answer.body);
}
