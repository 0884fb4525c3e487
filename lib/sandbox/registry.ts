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

/** One backend's availability, probed now. Never throws. */
async function probeAvailability(name: BackendName): Promise<BackendAvailability> {
  const backend = getBackend(name);
  if (!backend) return { backend: name, available: false, isolated: false, reason: `The ${name} backend is not part of this build.` };
  try {
    return await backend.availability();
  } catch (e) {
    return { backend: name, available: false, isolated: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

// Probing is not free (Docker: a ping and an image inspect), so per-request callers share one
// probe per backend for a few seconds; concurrent callers share the one in flight.
const AVAILABILITY_TTL_MS = 10_000;
const availabilityCache = globalStore("sandbox-backend-availability", () => new Map<BackendName, { at: number; value: Promise<BackendAvailability> }>());

function remember(name: BackendName, value: Promise<BackendAvailability>): Promise<BackendAvailability> {
  availabilityCache.set(name, { at: Date.now(), value });
  return value;
}

/** A backend's availability, at most AVAILABILITY_TTL_MS old. Never throws. */
export function backendAvailability(name: BackendName): Promise<BackendAvailability> {
  const cached = availabilityCache.get(name);
  if (cached && Date.now() - cached.at < AVAILABILITY_TTL_MS) return cached.value;
  return remember(name, probeAvailability(name));
}

/** Availability of every known backend, probed now (it also refreshes the cache), in a stable order. Never throws. */
export async function backendStatuses(): Promise<BackendAvailability[]> {
  return Promise.all(backendNames.map((name) => remember(name, probeAvailability(name))));
}

/** Instances created so far (for shutdown). */
export function createdBackends(): SandboxBackend[] {
  return [...instances.values()];
}

/**
 * Forgets every backend instance and cached availability, after shutdownSessions() has shut them
 * down: the next getBackend() builds a new one from the environment as it is then. For benchmarks
 * that compare configurations (runc against runsc) in one process.
 */
export function forgetBackends(): void {
  instances.clear();
  availabilityCache.clear();
}
