import type { Limits } from "../types";

// A run's rlimits for the paths that exec through prlimit(1) (the local spawn path, the local
// notebook, Docker's `docker exec` fallback): the same meanings docker/sandbox/agent/rlimits.py
// gives them on the fork paths. "Memory" is RLIMIT_DATA; lib/sandbox/README.md says why.

const MiB = 1024 * 1024;

export interface RlimitOptions {
  /** Leave CPU time unlimited (a long-lived kernel: its cells time out instead). */
  noCpu?: boolean;
  /** Memory in MB when it differs from limits.memory_mb. */
  memoryMb?: number;
}

/** prlimit(1) flags, ending in "--" (prlimit execs the command: no extra process stays around). */
export function prlimitFlags(l: Limits, o: RlimitOptions = {}): string[] {
  const cpu = o.noCpu ? [] : [`--cpu=${l.cpu_time_s}`];
  return [`--data=${(o.memoryMb ?? l.memory_mb) * MiB}`, ...cpu, `--nproc=${l.max_processes}`, `--fsize=${l.file_size_mb * MiB}`, "--core=0", "--"];
}

/** The same limits as a bash `ulimit` line, where prlimit is missing (KiB for -d, 1024-byte blocks for -f). */
export function ulimitLine(l: Limits): string {
  return `ulimit -d ${l.memory_mb * 1024} -t ${l.cpu_time_s} -u ${l.max_processes} -f ${l.file_size_mb * 1024} -c 0`;
}
