import "server-only";
import { accessSync, existsSync, constants as fsc, statSync } from "node:fs";
import { constants as osc } from "node:os";

// Host-process facts that tools and backends both need. Lives below both, so tools/ never
// imports from backends/.

export function isExecutable(p: string): boolean {
  try {
    accessSync(p, fsc.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The signal's name for its number on this platform (SIGKILL for 9). */
export function signalName(n: number): string | undefined {
  for (const [name, num] of Object.entries(osc.signals)) if (num === n) return name;
  return undefined;
}

/** The signal's number for its name (9 for SIGKILL). */
export function signalNumber(name: string): number | undefined {
  return (osc.signals as Record<string, number>)[name];
}

/** Whether a process with this pid exists on this host (EPERM counts: it exists, it is not ours). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Root can give each run its own uid; any other user's runs keep the server's uid. */
export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}
