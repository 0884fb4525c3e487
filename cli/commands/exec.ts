import { z } from "zod";
import { acquireSandbox } from "@/lib/sandbox/sessions";
import { backendNameSchema, backendNames, sandboxConfigSchema, type SandboxConfigInput } from "@/lib/sandbox/types";
import { runJsonLines } from "../jsonl";
import type { CliCommand } from "../types";

const lineSchema = z.object({
  tool: z.string().min(1),
  args: z.record(z.string(), z.unknown()).default({}),
});

/**
 * exec --backend local [--tools a,b] [--config '{"limits":{...}}']
 * One sandbox session for the whole input; each line {"tool","args"} yields its ToolResult.
 */
export const execCommand: CliCommand = {
  options: {
    backend: { type: "string", default: "local" },
    tools: { type: "string" },
    config: { type: "string" },
  },
  async run(values) {
    const backendName = String(values.backend ?? "local");
    const backend = backendNameSchema.safeParse(backendName);
    if (!backend.success) {
      process.stderr.write(`exec: unknown or unavailable backend ${JSON.stringify(backendName)} (known: ${backendNames.join(", ")})\n`);
      return 2;
    }
    let configInput: SandboxConfigInput = {};
    if (typeof values.config === "string") {
      try {
        configInput = sandboxConfigSchema.parse(JSON.parse(values.config));
      } catch (e) {
        process.stderr.write(`exec: invalid --config: ${e instanceof z.ZodError ? z.prettifyError(e) : (e as Error).message}\n`);
        return 2;
      }
    }
    if (typeof values.tools === "string") {
      const names = values.tools.split(",").map((t) => t.trim()).filter(Boolean);
      configInput = { ...configInput, tools_config: Object.fromEntries(names.map((n) => [n, configInput.tools_config?.[n] ?? {}])) };
    }
    // Through the session manager, like the app: main's shutdown closes whatever is left.
    const held = await acquireSandbox(backend.data, configInput, { label: "cli-exec" });
    if (!held.ok) {
      process.stderr.write(`exec: cannot create a ${backendName} sandbox: ${held.error.message}\n`);
      return 1;
    }
    await using sandbox = held.value;
    await runJsonLines(async (value) => {
      const parsed = lineSchema.safeParse(value);
      if (!parsed.success) throw new Error(`expected {"tool": string, "args": object}: ${z.prettifyError(parsed.error)}`);
      return sandbox.executeTool(parsed.data.tool, parsed.data.args);
    });
    return 0;
  },
};
