import "server-only";
import { globalStore } from "@/lib/global-store";
import { DockerBackend } from "./backends/docker";
import { LocalBackend } from "./backends/local";
import { backendNames, type BackendAvailability, type BackendName, type SandboxBackend } from "./types";

// One line per backend. Each factory runs once; the instance lives for the process
// (a global store, so dev-mode module reloads do not orphan sessions).
const factories: Partial<Record<BackendName, () => SandboxBackend>> = {
  local: () => new LocalBackend(),
  docker: () => new DockerBackend(),
};

const instances = globalStore("sandbox-backends", () => new Map<BackendName, SandboxBackend>());

/** The backend instance, or null when this build has no such backend. */
export function getBackend(name: string): SandboxBackend | null {
  if (!(backendNames as readonly string[]).includes(name)) return null;
  const key = name as BackendName;
  const existing = instances.get(key);
  if (existing) return existing;
  const make = factories[key];
  if (!make) return null;
  const backend = make();
  instances.set(key, backend);
  return backend;
}

/** Availability of every known backend, in a stable order. Never throws. */
export async function backendStatuses(): Promise<BackendAvailability[]> {
  return Promise.all(
    backendNames.map(async (name): Promise<BackendAvailability> => {
      const backend = getBackend(name);
      if (!backend) return { backend: name, available: false, isolated: false, reason: `The ${name} backend is not part of this build.` };
      try {
        return await backend.availability();
      } catch (e) {
        return { backend: name, available: false, isolated: false, reason: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
}

/** Instances created so far (for shutdown). */
export function createdBackends(): SandboxBackend[] {
  return [...instances.values()];
}
