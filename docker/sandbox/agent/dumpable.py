"""The agent is not dumpable (prctl PR_SET_DUMPABLE 0): a run has the agent's uid, and without this
it could ptrace the agent or read /proc/1/mem and /proc/1/environ, then steer or forge its
session's results. A non-dumpable process's /proc files belong to root and ptrace needs
CAP_SYS_PTRACE, which no run has. Forked runs inherit the flag, so a run sets it back (an exec'd
program gets it back from the kernel anyway), and behaves as before for its own children."""
import ctypes

PR_SET_DUMPABLE = 4

try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # no libc symbol: nothing to do, the agent keeps serving
    _prctl = None


def set_dumpable(on):
    """True when the kernel took it."""
    if _prctl is None:
        return False
    return _prctl(PR_SET_DUMPABLE, 1 if on else 0, 0, 0, 0) == 0
