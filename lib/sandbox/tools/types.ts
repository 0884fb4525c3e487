import type { z } from "zod";
import type { SandboxConfig, SandboxRuntime, ToolResult } from "../types";

/** What every tool gets: the backend primitive, the sandbox config and its own tools_config entry. */
export interface ToolContext {
  runtime: SandboxRuntime;
  config: SandboxConfig;
  /** This tool's entry in config.tools_config (tool-specific options). */
  toolConfig: Record<string, unknown>;
  signal?: AbortSignal;
}

/** ms-enclave style tool: name, description, argument schema, execute. */
export interface ToolDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  schema: S;
  /** Receives validated args. Should not throw; a throw becomes an error ToolResult. */
  execute(args: z.output<S>, ctx: ToolContext): Promise<ToolResult>;
}
