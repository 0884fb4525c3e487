"""Children and sweeping. The agent is PID 1: every orphan is re-parented to it, so it reaps all
exits here and hands a watched pid's status to whoever started it (a run, the notebook driver).
Sweeps kill what a run leaves behind; protected pids (the notebook driver and its kernel) survive."""
import os
import signal

from proctable import proc_table

_on_exit = {}  # pid -> callback(status)
_protected = {1}


def watch(pid, callback):
    _on_exit[pid] = callback


def protect(pid):
    _protected.add(pid)


def unprotect(pid):
    _protected.discard(pid)


def reap():
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        except InterruptedError:
            continue
        if pid == 0:
            return
        callback = _on_exit.pop(pid, None)
        if callback is not None:
            callback(status)


def has_marker(pid, marker):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return marker in f.read()
    except OSError:
        return False


def kill_quiet(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def sweep_group(pgid, marker=None):
    """Kill a run's whole tree: its process group plus anything whose environment carries marker
    (none: the group only). Goes round until nothing is left: a member that forks while the signal
    is delivered (a fork bomb) leaves a child the first round missed."""
    for _ in range(20):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
        found = False
        for pid, (ppid, group) in proc_table().items():
            if pid == 1:
                continue
            if group == pgid or (marker is not None and has_marker(pid, marker)):
                kill_quiet(pid)
                found = True
        if not found:
            return
        reap()


def protected_pids(table):
    keep = set(_protected)
    # Descendants of protected processes (the Jupyter kernel under the driver) stay too.
    changed = True
    while changed:
        changed = False
        for pid, (ppid, _) in table.items():
            if pid not in keep and ppid in keep and ppid != 1:
                keep.add(pid)
                changed = True
    return keep


def sweep_idle():
    """No run is active: whatever descends from the agent and is not protected is a leftover.
    Processes entered with `docker exec` hang off ppid 0 and are left alone."""
    for _ in range(20):
        table = proc_table()
        keep = protected_pids(table)
        victims = []
        for pid in table:
            if pid in keep:
                continue
            # Walk up: leftovers reach the agent (pid 1); exec'd processes reach ppid 0.
            cur, seen = pid, 0
            while cur not in (0, 1) and cur in table and seen < 4096:
                if cur in keep:
                    break
                cur = table[cur][0]
                seen += 1
            if cur == 1:
                victims.append(pid)
        if not victims:
            return
        for pid in victims:
            kill_quiet(pid)
        reap()
