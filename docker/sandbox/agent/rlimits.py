"""A run's resource limits, set in the forked child just before it execs or runs inline."""
import resource

MiB = 1 << 20


def set_limits(limits):
    def lim(res, v):
        if v is not None:
            resource.setrlimit(res, (int(v), int(v)))

    cpu = limits.get("cpu_time_s")
    lim(resource.RLIMIT_CPU, cpu)
    # RLIMIT_DATA, not RLIMIT_AS: V8, the JVM and Go reserve large address ranges they never touch.
    mem = limits.get("memory_mb")
    lim(resource.RLIMIT_DATA, mem * MiB if mem else None)
    nproc = limits.get("max_processes")
    lim(resource.RLIMIT_NPROC, nproc)
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
