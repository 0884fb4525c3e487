"""The reset op: makes a used container as clean as a new one for the next request, natively (no
shell, find or ipcrm to spawn), then checks. Used by the service API, which reuses a container
after each request instead of starting a new one (a container start costs 0.3-3 s). What a run can
leave behind is: processes (swept), files in the writable mounts (deleted), System V IPC objects
(removed) and POSIX queues/shared memory (files under /dev/mqueue and /dev/shm, deleted).
Everything else (environment, interpreter state, sockets) belongs to a process and died with it."""
import ctypes
import os
import stat

import procs
import runs
from proctable import proc_table

WRITABLE = ("/sandbox", "/tmp", "/mnt", "/dev/shm", "/dev/mqueue")
IPC_RMID = 0
_libc = None


def libc():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def empty_dir(top):
    """Deletes everything under top (not top itself), making unreadable directories readable first."""
    try:
        entries = list(os.scandir(top))
    except OSError:
        return
    for e in entries:
        try:
            if e.is_dir(follow_symlinks=False):
                try:
                    os.chmod(e.path, stat.S_IRWXU)
                except OSError:
                    pass
                empty_dir(e.path)
                os.rmdir(e.path)
            else:
                os.unlink(e.path)
        except OSError:
            pass


def sysv_ids(kind):
    """Ids of the System V objects of one kind (shm, msg, sem) in this IPC namespace."""
    try:
        with open(f"/proc/sysvipc/{kind}") as f:
            rows = f.read().splitlines()[1:]
    except OSError:
        return []
    return [int(r.split()[1]) for r in rows if len(r.split()) > 1]


def remove_sysv():
    c = libc()
    for i in sysv_ids("shm"):
        c.shmctl(i, IPC_RMID, None)
    for i in sysv_ids("msg"):
        c.msgctl(i, IPC_RMID, None)
    for i in sysv_ids("sem"):
        c.semctl(i, 0, IPC_RMID)


def leftovers():
    left = []
    for d in WRITABLE:
        try:
            left += [os.path.join(d, n) for n in os.listdir(d)]
        except OSError:
            pass
    for kind in ("shm", "msg", "sem"):
        left += [f"sysv {kind} {i}" for i in sysv_ids(kind)]
    protected = procs.protected_pids(proc_table())
    for pid, (ppid, _) in proc_table().items():
        if pid not in protected and ppid != 0:
            left.append(f"process {pid}")
    return left


def reset():
    """-> {"clean": bool, "left": [...]}. Refuses (clean false) while a run is active."""
    if runs.active:
        return {"clean": False, "left": [f"run {r}" for r in runs.active]}
    procs.sweep_idle()
    for d in WRITABLE:
        empty_dir(d)
    remove_sysv()
    left = leftovers()
    return {"clean": not left, "left": left[:20]}
