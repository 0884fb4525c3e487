import "server-only";
import { serverEnv } from "@/lib/env";
import { globalStore } from "@/lib/global-store";
import { err, ok, type Result } from "@/lib/result";
import type { ServiceError } from "@/lib/service/core/errors";
import type { JsonReply } from "@/lib/service/core/route";
import type { TrafficFields } from "@/lib/service/core/traffic";
import { runQueued, resolveApiBackend } from "@/lib/service/core/execute";
import { BoundedQueue } from "@/lib/service/core/queue";
import { acquireSandbox, sessionUsage } from "@/lib/sandbox/sessions";
import { toolSpecs } from "@/lib/sandbox/tools";
import type { BackendName, IsolationLevel, Sandbox, ToolResult as OurToolResult } from "@/lib/sandbox/types";
import { putArchiveInto } from "./archive";
import { applyPolicy, msEnclavePolicy, recordImage, sandboxImage, type AppliedSandbox } from "./policy";
import {
  clientSandboxConfigSchema,
  type SandboxInfo,
  type SandboxStatus,
  type SandboxType,
  type ToolResult,
} from "./wire";

// ms-enclave's sandbox manager, on our sandbox sessions: an ms-enclave sandbox IS a session of the
// session manager (id = session id, so /editor?session=<id> opens it), held here and closed after
// the same idle TTL as any session (PLAYGROUND_SESSION_TTL_S); shutdown closes it with the rest.
// This module keeps what ms-enclave reports on top (type, status, applied config, pool membership).

export interface MsSandbox {
  id: string;
  type: SandboxType;
  backend: BackendName;
  status: SandboxStatus;
  createdAt: number;
  updatedAt: number;
  applied: AppliedSandbox;
  isolated: boolean;
  /** "local · bwrap", "docker · runc", "docker · gVisor", …. */
  isolation: IsolationLevel;
  inPool: boolean;
  /** The held session; null once stopped. Its use (runs, idle time) is the session manager's to count. */
  sandbox: Sandbox | null;
}

interface State {
  sandboxes: Map<string, MsSandbox>;
  pool: string[];
  poolInitialized: boolean;
  /** /pool/execute's FIFO: one slot per pool sandbox; a call waits its own `timeout` for one. */
  poolQueue: BoundedQueue;
  startedAt: number;
}

const newPoolQueue = () => new BoundedQueue({ name: "ms-enclave pool", max: 1, timeoutMs: 3_600_000 });

const state = globalStore<State>("ms-enclave", () => ({
  sandboxes: new Map(),
  pool: [],
  poolInitialized: false,
  poolQueue: newPoolQueue(),
  startedAt: Date.now(),
}));

/** An ms-enclave answer: a JSON body, or a refusal (answered as FastAPI's `{detail}` by the routes). */
export type Answer<T = unknown> = Result<JsonReply<T>, ServiceError>;

const errorCodes: Record<number, ServiceError["code"]> = { 400: "bad_request:sandbox", 404: "not_found:sandbox", 408: "timeout:pool", 500: "internal:sandbox", 504: "timeout:queue" };
const detail = (status: number, message: string): Answer<never> => err({ code: errorCodes[status] ?? "internal:sandbox", message, status });
const answer = <T>(body: T, record?: TrafficFields): Answer<T> => ok({ body, ...(record ? { record } : {}) });

/** Stopped sandboxes are forgotten after an hour, as ms-enclave's cleanup does. */
const STOPPED_KEEP_MS = 60 * 60 * 1000;

/**
 * Forgets sandboxes whose session the session manager has closed (idle past PLAYGROUND_SESSION_TTL_S,
 * or shut down) and stopped ones after an hour. Runs on every request.
 */
function prune(now = Date.now()): void {
  for (const [id, sb] of state.sandboxes) {
    const live = sb.sandbox !== null;
    if ((live && !sessionUsage(id, sb.backend)) || (!live && now - sb.updatedAt > STOPPED_KEEP_MS)) {
      state.sandboxes.delete(id);
      removeFromPool(id);
    }
  }
}


export function sandboxInfo(sb: MsSandbox): SandboxInfo {
  const specs = toolSpecs(sb.applied.tools);
  return {
    id: sb.id,
    status: sb.status,
    type: sb.type,
    config: sb.applied.reported,
    created_at: new Date(sb.createdAt).toISOString(),
    updated_at: new Date(sb.updatedAt).toISOString(),
    metadata: {
      backend: sb.backend,
      isolated: sb.isolated,
      isolation: sb.isolation,
      playground_session: sb.id,
      editor_url: `/editor?session=${sb.id}&backend=${sb.backend}`,
      policy: "The server's policy decides image, network, privileges and limits; `config` shows what was applied.",
      overridden: sb.applied.overridden,
      ...(sb.applied.skippedTools.length ? { skipped_tools: sb.applied.skippedTools } : {}),
      ...(sb.inPool ? { pool: true } : {}),
    },
    available_tools: Object.fromEntries(specs.map((s) => [s.function.name, s])),
  };
}

/** POST /sandbox/create (and each sandbox of /pool/initialize). */
export async function createSandbox(type: SandboxType, rawConfig: unknown, opts?: { inPool?: boolean }): Promise<Answer<{ sandbox_id: string }>> {
  prune();
  if (type === "dummy") return detail(400, "Failed to create sandbox: Sandbox type dummy is not registered");
  const parsed = clientSandboxConfigSchema.safeParse(rawConfig ?? {});
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ");
    return detail(400, `Failed to create sandbox: ${msg}`);
  }
  const live = [...state.sandboxes.values()].filter((s) => s.status !== "stopped").length;
  if (live >= msEnclavePolicy.maxSandboxes) {
    return detail(400, `Failed to create sandbox: this server keeps at most ${msEnclavePolicy.maxSandboxes} sandboxes open; delete some first.`);
  }
  const backend = await resolveApiBackend();
  if (!backend.ok) return detail(400, `Failed to create sandbox: ${backend.error.message}`);
  const applied = applyPolicy(type, parsed.data, backend.value);
  // Closed by the session manager after the same idle TTL as any session.
  const held = await acquireSandbox(backend.value, applied.sandboxConfig, { label: "ms-enclave", idleTtlMs: serverEnv().PLAYGROUND_SESSION_TTL_S * 1000 });
  if (!held.ok) return detail(400, `Failed to create sandbox: ${held.error.message}`);
  const id = held.value.id;
  const isolated = held.value.isolated;
  recordImage(applied, parsed.data, sandboxImage(backend.value, isolated));
  const now = Date.now();
  const sb: MsSandbox = {
    id,
    type,
    backend: backend.value,
    status: opts?.inPool ? "idle" : "running",
    createdAt: now,
    updatedAt: now,
    applied,
    isolated,
    isolation: held.value.isolation,
    inPool: opts?.inPool ?? false,
    sandbox: held.value,
  };
  state.sandboxes.set(id, sb);
  return answer({ sandbox_id: id }, { backend: backend.value, sandbox_id: id, message: `created ${type} sandbox` });
}

export function getSandbox(id: string): MsSandbox | undefined {
  prune();
  return state.sandboxes.get(id);
}

export function listSandboxes(status?: SandboxStatus): SandboxInfo[] {
  prune();
  return [...state.sandboxes.values()].filter((s) => !status || s.status === status).map(sandboxInfo);
}

export async function stopSandbox(id: string): Promise<Answer> {
  const sb = getSandbox(id);
  if (!sb) return detail(404, "Sandbox not found");
  await sb.sandbox?.close();
  sb.sandbox = null;
  sb.status = "stopped";
  sb.updatedAt = Date.now();
  removeFromPool(id);
  return answer({ message: "Sandbox stopped successfully" }, { backend: sb.backend });
}

export async function deleteSandbox(id: string): Promise<Answer> {
  const sb = getSandbox(id);
  if (!sb) return detail(404, "Sandbox not found");
  await sb.sandbox?.close();
  sb.sandbox = null;
  state.sandboxes.delete(id);
  removeFromPool(id);
  return answer({ message: "Sandbox deleted successfully" }, { backend: sb.backend });
}

function removeFromPool(id: string): void {
  const i = state.pool.indexOf(id);
  if (i >= 0) state.pool.splice(i, 1);
  state.poolQueue.configure({ max: Math.max(1, state.pool.length) });
}

export function sandboxTools(id: string): Answer {
  const sb = getSandbox(id);
  if (!sb) return detail(404, `Sandbox ${id} not found`);
  return answer(sandboxInfo(sb).available_tools);
}

/** ms-enclave's tools default their timeout to 30 s; ours default to the sandbox limit. */
function withDefaults(sb: MsSandbox, tool: string, params: Record<string, unknown>, timeout?: number | null): Record<string, unknown> {
  const t = Math.min(timeout ?? sb.applied.defaultTimeoutS, msEnclavePolicy.maxTimeoutS);
  if (tool === "multi_code_executor") return { run_timeout: t, ...params };
  if (tool === "python_executor" || tool === "shell_executor" || tool === "notebook_executor") return { timeout: t, ...params };
  return params;
}

export function toWireResult(r: OurToolResult, extra: Record<string, unknown>): ToolResult {
  const ranProcess = r.stdout !== undefined || r.stderr !== undefined;
  // ms-enclave: output = stdout, error = stderr (or a sentence when there is none and it failed).
  const output = ranProcess ? (r.stdout ?? "") : r.output;
  const error = ranProcess ? r.stderr || (r.status === "success" ? null : (r.error ?? null)) : (r.error ?? null);
  return {
    status: r.status,
    execution_time: r.duration_ms / 1000,
    timestamp: new Date().toISOString(),
    tool_name: r.tool_name,
    output,
    metadata: {
      ...(r.exit_code !== undefined ? { exit_code: r.exit_code } : {}),
      ...(r.truncated ? { truncated: true } : {}),
      ...(r.isolated !== undefined ? { isolated: r.isolated } : {}),
      ...(r.isolation ? { isolation: r.isolation } : {}),
      ...(r.notices?.length ? { notices: r.notices } : {}),
      ...(r.images?.length ? { images: r.images } : {}),
      ...(r.meta ? { details: r.meta } : {}),
      ...(ranProcess && r.status !== "success" && r.error ? { message: r.error } : {}),
      ...extra,
    },
    error,
  };
}

async function runIn(sb: MsSandbox, tool: string, params: Record<string, unknown>, timeout?: number | null, signal?: AbortSignal): Promise<Answer> {
  const sandbox = sb.sandbox;
  if (!sandbox) return detail(404, `Sandbox ${sb.id} is not active (status: ${sb.status})`);
  const q = await runQueued(sb.backend, () => sandbox.executeTool(tool, withDefaults(sb, tool, params, timeout), { signal }), { signal });
  if (!q.ok) return err({ ...q.error, status: 504 });
  sb.updatedAt = Date.now();
  const r = q.value.value;
  return answer(toWireResult(r, { sandbox_id: sb.id, backend: sb.backend, queue_ms: q.value.queue_ms }), {
    outcome: r.status === "success" ? "success" : r.status === "timeout" ? "timeout" : "failed",
    status: r.status,
    stdout: r.stdout ?? r.output,
    ...(r.stderr !== undefined ? { stderr: r.stderr } : {}),
    return_code: r.exit_code ?? null,
    ...(r.error !== undefined ? { message: r.error } : {}),
    queue_ms: q.value.queue_ms,
    run_ms: q.value.run_ms,
    backend: sb.backend,
    isolation: sb.isolation,
    sandbox_id: sb.id,
  });
}

/** POST /sandbox/tool/execute. */
export async function executeTool(id: string, tool: string, params: Record<string, unknown>, timeout?: number | null, signal?: AbortSignal): Promise<Answer> {
  const sb = getSandbox(id);
  if (!sb) return detail(404, `Sandbox ${id} not found`);
  if (sb.status !== "running" && sb.status !== "idle" && sb.status !== "busy") {
    return detail(404, `Sandbox ${id} is not active (status: ${sb.status})`);
  }
  if (!sb.applied.tools.includes(tool)) return detail(404, `Tool ${tool} is not available`);
  return runIn(sb, tool, params, timeout, signal);
}

/**
 * POST /sandbox/{id}/archive: extracts a tar body under target_dir (relative to /sandbox, or absolute
 * inside the sandbox's storage), confined as lib/sandbox/tar-extract.ts says. {ok: true} as
 * ms-enclave answers; a refused archive or target is 400 {detail} (the client raises ValueError).
 */
export async function putArchive(id: string, targetDir: string, data: Buffer, signal?: AbortSignal): Promise<Answer> {
  const sb = getSandbox(id);
  if (!sb) return detail(404, `Sandbox ${id} not found`);
  const sandbox = sb.sandbox;
  if (!sandbox || (sb.status !== "running" && sb.status !== "idle" && sb.status !== "busy")) {
    return detail(404, `Sandbox ${id} is not active (status: ${sb.status})`);
  }
  if (data.length === 0) return detail(400, "Archive body must not be empty");
  const q = await runQueued(sb.backend, () => sandbox.useRuntime((runtime) => putArchiveInto(runtime, targetDir, data)), { signal });
  if (!q.ok) return err({ ...q.error, status: 504 });
  sb.updatedAt = Date.now();
  const r = q.value.value;
  const record: TrafficFields = { sandbox_id: id, backend: sb.backend, tool_name: "put_archive", code: `# put_archive ${targetDir} (${data.length} bytes)`, queue_ms: q.value.queue_ms, run_ms: q.value.run_ms };
  if (!r.ok) return err({ code: "bad_request:archive", message: r.error.message, status: 400 });
  const counts = r.value;
  return answer({ ok: true }, { ...record, outcome: "success", status: "ok", message: `${counts.files} files, ${counts.dirs} directories, ${counts.bytes} bytes` });
}

/** POST /pool/initialize: creates `size` idle sandboxes that /pool/execute takes turns on. */
export async function initializePool(size: number | undefined, type: SandboxType | undefined, config: unknown): Promise<Answer> {
  const n = Math.min(size ?? 0, msEnclavePolicy.maxPool);
  if (n <= 0) return answer({ message: "Pool initialized successfully", pool_size: 0, sandbox_ids: [] }, { message: "pool of 0" });
  const ids: string[] = [];
  const errors: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = await createSandbox(type ?? "docker", config, { inPool: true });
    if (a.ok) {
      const id = a.value.body.sandbox_id;
      ids.push(id);
      state.pool.push(id);
      state.poolQueue.configure({ max: state.pool.length });
    } else errors.push(a.error.message);
  }
  if (ids.length === 0 && errors.length > 0) return detail(500, errors[0]!);
  if (ids.length > 0) state.poolInitialized = true;
  return answer({ message: "Pool initialized successfully", pool_size: ids.length, sandbox_ids: ids }, { message: `pool of ${ids.length}` });
}

function takeIdle(): MsSandbox | null {
  prune();
  for (const id of state.pool) {
    const sb = state.sandboxes.get(id);
    if (sb && sb.status === "idle") {
      sb.status = "busy";
      sb.updatedAt = Date.now();
      return sb;
    }
  }
  return null;
}

/** POST /pool/execute: FIFO over the pool's idle sandboxes; 408 after `timeout` seconds without one. */
export async function executeInPool(tool: string, params: Record<string, unknown>, timeoutS?: number, signal?: AbortSignal): Promise<Answer> {
  prune();
  if (!state.poolInitialized || state.pool.length === 0) return detail(400, "Sandbox pool is empty, call initialize_pool first");
  const waitS = timeoutS && timeoutS > 0 ? timeoutS : 3600;
  // One slot per pool sandbox, so a granted slot finds an idle one.
  const r = await state.poolQueue.run(
    async (): Promise<Answer> => {
      const sb = takeIdle();
      if (!sb) return detail(500, "The pool sandbox went away before it could run the call.");
      try {
        if (!sb.applied.tools.includes(tool)) return detail(400, `Tool ${tool} is not available`);
        return await runIn(sb, tool, params, undefined, signal);
      } finally {
        if (state.sandboxes.get(sb.id) === sb && sb.status === "busy") {
          sb.status = "idle";
          sb.updatedAt = Date.now();
          // Back of the queue, as ms-enclave does.
          removeFromPool(sb.id);
          state.pool.push(sb.id);
          state.poolQueue.configure({ max: state.pool.length });
        }
      }
    },
    { signal, timeoutMs: waitS * 1000 },
  );
  if (!r.ok) return detail(408, `Timeout waiting for available sandbox from pool after ${waitS}s`);
  return r.value.value;
}

export function msEnclaveStats(): Record<string, unknown> {
  prune();
  const statusCounts: Record<string, number> = {};
  const typeCounts: Record<string, number> = {};
  for (const sb of state.sandboxes.values()) {
    statusCounts[sb.status] = (statusCounts[sb.status] ?? 0) + 1;
    typeCounts[sb.type] = (typeCounts[sb.type] ?? 0) + 1;
  }
  return {
    manager_type: "local",
    total_sandboxes: state.sandboxes.size,
    status_counts: statusCounts,
    sandbox_types: typeCounts,
    running: true,
    cleanup_interval: null,
    pool_size: state.pool.length,
    pool_enabled: state.pool.length > 0,
    pool_initialized: state.poolInitialized,
  };
}

export function uptimeS(): number {
  return (Date.now() - state.startedAt) / 1000;
}

/** Tests: close every ms-enclave sandbox and forget the pool. */
export async function resetMsEnclaveForTests(): Promise<void> {
  state.poolQueue = newPoolQueue();
  await Promise.all([...state.sandboxes.values()].map((sb) => sb.sandbox?.close()));
  state.sandboxes.clear();
  state.pool = [];
  state.poolInitialized = false;
}
