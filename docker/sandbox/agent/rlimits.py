"""A run's resource limits, set in the forked child just before it execs or runs inline. One
meaning on every backend: the Docker agent (runs.py) and the local fork server
(lib/sandbox/backends/local-forkserver.py) call this; the spawn paths pass the same limits to
prlimit(1) (lib/sandbox/backends/rlimits.ts).

"Memory" is RLIMIT_DATA (private writable memory: heap, anonymous mappings, thread stacks), not
RLIMIT_AS (address space): V8, the JVM, Go and glibc's per-thread malloc arenas reserve large
address ranges they never touch, so an address-space cap refuses them at start-up while a program
that really allocates is stopped by either.

Under gVisor RLIMIT_DATA bounds brk() only, not anonymous mmap (where CPython puts every large
object), so the host asks for an address-space cap too ("address_space_mb") on the runs where it
is safe: a Python interpreter reserves little more than it uses."""
import resource

MiB = 1 << 20


def set_limits(limits):
    def lim(res, v):
        if v is None:
            return
        v = int(v)
        # Never above the inherited hard limit: an unprivileged process may not raise it.
        hard = resource.getrlimit(res)[1]
        if hard != resource.RLIM_INFINITY:
            v = min(v, hard)
        resource.setrlimit(res, (v, v))

    mem = limits.get("memory_mb")
    lim(resource.RLIMIT_DATA, mem * MiB if mem else None)
    asl = limits.get("address_space_mb")
    lim(resource.RLIMIT_AS, asl * MiB if asl else None)
    lim(resource.RLIMIT_CPU, limits.get("cpu_time_s"))
    lim(resource.RLIMIT_NPROC, limits.get("max_processes"))
    fsize = limits.get("file_size_mb")
    lim(resource.RLIMIT_FSIZE, fsize * MiB if fsize else None)
    lim(resource.RLIMIT_CORE, 0)


def oom_prefer(score):
    """Unprivileged processes may raise their OOM score: under memory pressure the kernel then
    kills a run (or the kernel) rather than the agent, and the container keeps serving."""
    try:
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write(str(score))
    except OSError:
        pass
