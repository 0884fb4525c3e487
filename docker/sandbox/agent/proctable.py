"""The process table from /proc, shared by the Docker agent (procs.py) and the local fork server
(lib/sandbox/backends/local-forkserver.py, which has it bound beside it)."""
import os


def proc_table():
    """pid -> (ppid, pgid) for every process visible here (this pid namespace)."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                s = f.read()
        except OSError:
            continue
        # comm may contain spaces and parentheses: split after the last ')'.
        rest = s[s.rfind(b")") + 2:].split()
        table[int(name)] = (int(rest[1]), int(rest[2]))
    return table
