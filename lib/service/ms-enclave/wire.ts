// ms-enclave's HTTP wire format (modelscope/ms-enclave, ms_enclave/sandbox/model and server/server.py),
// as its HttpSandboxManager speaks it. Shapes only; no server dependencies.
import { z } from "zod";

export const sandboxTypes = ["docker", "docker_notebook", "volcengine", "dummy"] as const;
export type SandboxType = (typeof sandboxTypes)[number];

export const sandboxStatuses = ["initializing", "running", "idle", "busy", "stopping", "stopped", "error"] as const;
export type SandboxStatus = (typeof sandboxStatuses)[number];

/** ms-enclave's ExecutionStatus; the same four words as our ToolStatus. */
export type ExecutionStatus = "success" | "error" | "timeout" | "cancelled";

/** POST /sandbox/tool/execute body (ToolExecutionRequest). */
export const toolExecutionRequestSchema = z.object({
  sandbox_id: z.string(),
  tool_name: z.string(),
  parameters: z.record(z.string(), z.unknown()).default({}),
  timeout: z.number().nullable().optional(),
});
export type ToolExecutionRequest = z.infer<typeof toolExecutionRequestSchema>;

/**
 * The sandbox config a client sends (DockerSandboxConfig and friends). Every field is accepted; the
 * ones that decide isolation are overridden by the server's policy (see policy.ts).
 */
export const clientSandboxConfigSchema = z
  .object({
    timeout: z.number().positive().optional(),
    tools_config: z.union([z.array(z.string()), z.record(z.string(), z.record(z.string(), z.unknown()))]).optional(),
    working_dir: z.string().optional(),
    env_vars: z.record(z.string(), z.string()).optional(),
    resource_limits: z.record(z.string(), z.unknown()).optional(),
    image: z.string().optional(),
    memory_limit: z
      .string()
      .regex(/^\d+[kmgKMG]?$/, "Invalid memory limit format")
      .optional(),
    cpu_limit: z.number().positive("CPU limit must be positive").optional(),
    network_enabled: z.boolean().optional(),
    privileged: z.boolean().optional(),
  })
  .passthrough();
export type ClientSandboxConfig = z.infer<typeof clientSandboxConfigSchema>;

export interface SandboxInfo {
  id: string;
  status: SandboxStatus;
  type: SandboxType;
  config: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  metadata: Record<string, unknown>;
  available_tools: Record<string, unknown>;
}

export interface ToolResult {
  status: ExecutionStatus;
  execution_time: number | null;
  timestamp: string;
  tool_name: string;
  output: unknown;
  metadata: Record<string, unknown>;
  error: string | null;
}

export interface HealthCheckResult {
  healthy: boolean;
  version: string;
  uptime: number;
  active_sandboxes: number;
  system_info: Record<string, unknown>;
}

/** FastAPI's 422 item. */
export interface ValidationItem {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
}
