import "server-only";
import { readdirSync, readFileSync } from "node:fs";

/** Pids whose real uid is `uid`. Reads /proc; empty where there is no /proc. */
export function pidsOfUid(uid: number): number[] {
  const out: number[] = [];
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return out;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, "utf8");
      const m = /^Uid:\s+(\d+)/m.exec(status);
      if (m && Number(m[1]) === uid) out.push(Number(name));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** SIGKILLs every process of a session uid (used when there is no pid namespace to tear down). */
export function killUidProcesses(uid: number): void {
  if (uid === 0) return;
  // Loop: a fork bomb can create new processes while we kill; stop when none are left.
  for (let round = 0; round < 20; round++) {
    const pids = pidsOfUid(uid);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  }
}

/** Pids whose command line contains `marker` (tests use it to prove nothing was left running). */
export function pidsWithMarker(marker: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8");
      if (cmd.includes(marker)) out.push(Number(name));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}
