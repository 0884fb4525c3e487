import "server-only";
import { backendNameSchema, defaultToolsConfig, type BackendAvailability, type BackendName } from "@/lib/sandbox/types";

// What an Editor session is, once: the sandbox config every Editor session is opened with (whichever
// action or route opens it first), and which backend it runs on.

/** Every tool the Editor offers (runs, notebook, files). */
export const editorSandboxConfig = {
  tools_config: { ...defaultToolsConfig, multi_code_executor: {}, notebook_executor: {} },
};

/** The backend asked for when it can run code, else the first one that can (local first), else local. */
export function chooseEditorBackend(asked: unknown, statuses: readonly Pick<BackendAvailability, "backend" | "available">[]): BackendName {
  const usable = (b: BackendName) => statuses.some((s) => s.backend === b && s.available);
  const wanted = backendNameSchema.safeParse(asked);
  if (wanted.success && usable(wanted.data)) return wanted.data;
  return statuses.find((s) => s.available)?.backend ?? "local";
}
