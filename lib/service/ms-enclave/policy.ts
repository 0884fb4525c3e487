import "server-only";
import { serverEnv } from "@/lib/env";
import type { BackendName, SandboxConfigInput } from "@/lib/sandbox/types";
import type { ClientSandboxConfig, SandboxType } from "./wire";

// What an ms-enclave client asks for versus what this server applies. The client's defaults
// (python:3.11-slim, network on, 4 GB, 2 CPUs) describe a trusting local Docker; here the server's
// policy wins for image, network, privileges and limits, and SandboxInfo.config reports what was
// applied, so nobody is misled about isolation.

export const msEnclavePolicy = {
  /** Per-run memory cap (MB); a client may ask for less, never more. */
  maxMemoryMb: 2048,
  /** A tool call may run this long at most (seconds). */
  maxTimeoutS: 300,
  /** Open ms-enclave sandboxes at once (each is a session: a directory, on Docker a container). */
  maxSandboxes: 64,
  /** POST /pool/initialize creates at most this many. */
  maxPool: 16,
  maxEnvVars: 64,
} as const;

/** ms-enclave's tool -> sandbox types it runs in (DOCKER_NOTEBOOK inherits DOCKER's tools). */
const toolSandboxTypes: Record<string, SandboxType[]> = {
  python_executor: ["docker", "volcengine"],
  shell_executor: ["docker", "volcengine"],
  multi_code_executor: ["docker", "volcengine"],
  file_operation: ["docker"],
  notebook_executor: ["docker_notebook"],
  // Ours (slime's stateful interpreter); ms-enclave has no such tool.
  code_interpreter: ["docker"],
};

function compatible(type: SandboxType, required: SandboxType[]): boolean {
  const inherits: SandboxType[] = type === "docker_notebook" ? ["docker_notebook", "docker"] : [type];
  return required.some((r) => inherits.includes(r));
}

/** "4g" -> 4096, "512m" -> 512, "1024k" -> 1, "2147483648" (bytes) -> 2048. */
export function memoryMb(limit: string): number {
  const m = /^(\d+)([kmgKMG]?)$/.exec(limit);
  if (!m) return NaN;
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  const mb = unit === "g" ? n * 1024 : unit === "m" ? n : unit === "k" ? n / 1024 : n / (1024 * 1024);
  return Math.max(1, Math.floor(mb));
}

export interface AppliedSandbox {
  /** What the session is created with. */
  sandboxConfig: SandboxConfigInput;
  /** SandboxInfo.config: the applied values in ms-enclave's field names. */
  reported: Record<string, unknown>;
  /** Tools the sandbox has, in request order. */
  tools: string[];
  /** Default per-call timeout (seconds) for tools called without one (ms-enclave's tools default to 30). */
  defaultTimeoutS: number;
  /** Fields the server did not honour, with what was asked, for SandboxInfo.metadata. */
  overridden: Record<string, { requested: unknown; applied: unknown }>;
  /** Tools asked for that this sandbox type cannot have (ms-enclave logs and skips them too). */
  skippedTools: string[];
}

/**
 * The server's policy for a requested config. The image is left null: for the local backend it
 * depends on whether bubblewrap was found, known only once the sandbox exists (see recordImage).
 */
export function applyPolicy(type: SandboxType, config: ClientSandboxConfig, backend: BackendName): AppliedSandbox {
  const requestedTools = Array.isArray(config.tools_config) ? config.tools_config : Object.keys(config.tools_config ?? {});
  const tools: string[] = [];
  const skippedTools: string[] = [];
  for (const t of requestedTools) {
    const req = toolSandboxTypes[t];
    if (req && compatible(type, req)) {
      if (!tools.includes(t)) tools.push(t);
    } else skippedTools.push(t);
  }
  const toolsConfig: Record<string, Record<string, unknown>> = {};
  for (const t of tools) toolsConfig[t] = {};

  const overridden: AppliedSandbox["overridden"] = {};
  const wantMb = config.memory_limit !== undefined ? memoryMb(config.memory_limit) : 4096; // ms-enclave default 4g
  const memory = Math.min(wantMb, msEnclavePolicy.maxMemoryMb);
  if (memory !== wantMb) overridden.memory_limit = { requested: config.memory_limit ?? "4g", applied: `${memory}m` };
  const timeoutS = Math.min(config.timeout ?? 30, msEnclavePolicy.maxTimeoutS);
  if (config.timeout !== undefined && timeoutS !== config.timeout) overridden.timeout = { requested: config.timeout, applied: timeoutS };

  const env = Object.fromEntries(Object.entries(config.env_vars ?? {}).slice(0, msEnclavePolicy.maxEnvVars));
  const cpus = backend === "docker" ? 1 : null;
  const requested = (k: string, fallback: unknown) => (config as Record<string, unknown>)[k] ?? fallback;
  const note = (k: string, asked: unknown, applied: unknown) => {
    if (JSON.stringify(asked) !== JSON.stringify(applied)) overridden[k] = { requested: asked, applied };
  };
  note("network_enabled", requested("network_enabled", true), false);
  note("network", requested("network", "bridge"), "none");
  note("privileged", requested("privileged", false), false);
  note("cpu_limit", requested("cpu_limit", 2), cpus);
  note("working_dir", requested("working_dir", "/sandbox"), "/sandbox");
  for (const k of ["volumes", "ports", "extra_hosts"] as const) {
    const v = (config as Record<string, unknown>)[k];
    if (v && typeof v === "object" && Object.keys(v).length > 0) note(k, v, {});
  }
  const command = (config as Record<string, unknown>).command;
  if (command !== undefined && command !== null) note("command", command, null);

  const reported: Record<string, unknown> = {
    timeout: timeoutS,
    tools_config: toolsConfig,
    working_dir: "/sandbox",
    env_vars: env,
    resource_limits: { memory_mb: memory, timeout_s_max: msEnclavePolicy.maxTimeoutS },
    image: null,
    volumes: {},
    ports: {},
    network: "none",
    extra_hosts: {},
    memory_limit: `${memory}m`,
    cpu_limit: cpus,
    network_enabled: false,
    privileged: false,
    remove_on_exit: true,
  };
  return {
    sandboxConfig: {
      tools_config: toolsConfig,
      limits: { timeout_s: msEnclavePolicy.maxTimeoutS, memory_mb: memory },
      env,
    },
    reported,
    tools,
    defaultTimeoutS: timeoutS,
    overridden,
    skippedTools,
  };
}

/** The image a sandbox reports: the Docker image, or how the local backend actually isolated it. */
export function sandboxImage(backend: BackendName, isolated: boolean): string {
  return backend === "docker" ? serverEnv().PLAYGROUND_DOCKER_IMAGE : `local (${isolated ? "bubblewrap" : "not isolated"})`;
}

/** Sets the image in both the reported config and `overridden`, so the two cannot disagree. */
export function recordImage(applied: AppliedSandbox, config: ClientSandboxConfig, image: string): void {
  applied.reported.image = image;
  const asked = (config as Record<string, unknown>).image ?? "python:3.11-slim";
  if (JSON.stringify(asked) !== JSON.stringify(image)) applied.overridden.image = { requested: asked, applied: image };
}
