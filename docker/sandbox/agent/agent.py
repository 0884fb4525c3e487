#!/usr/bin/env python3
"""Executor agent: the main process (PID 1) of every sandbox container.

It speaks newline-delimited JSON over the container's attached stdin/stdout, so a run costs one
fork/exec inside the container instead of a `docker exec` round trip through the daemon.

Requests carry an "id"; every request gets exactly one response with the same id.
  {"op": "hello"}                                  -> languages, pid, uid
  {"op": "run", "argv", "stdin"?, "cwd"?, "env"?, "timeout_ms", "limits": {...}}
                                                   -> stdout, stderr, exit_code, signal, timed_out, ...
  {"op": "cancel", "target": <run id>}             -> the run answers "cancelled"; cancel answers ok
  {"op": "fs.read"|"fs.write"|"fs.list"|"fs.remove"|"fs.exists", "path", ...}
  {"op": "nb", "msg": {...}}                       -> relayed to the notebook driver (nbdriver.py)

Why PID 1: inside a PID namespace init cannot be killed by its own processes (kill -9 -1 and
os.kill(os.getppid()) do nothing to it), and every orphan is re-parented to it, so the agent can
reap and sweep everything a run leaves behind.
"""
import sys

# What a fresh `python3 -c` has loaded: an inline run drops every module imported after this.
_FRESH_MODULES = frozenset(sys.modules)

import base64  # noqa: E402
import errno  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import selectors  # noqa: E402
import signal  # noqa: E402
import stat  # noqa: E402
import time  # noqa: E402

from pyinline import inline_env_ok, run_python_inline  # noqa: E402

WORKDIR = "/sandbox"
PROTOCOL_VERSION = 1
DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nbdriver.py")

sel = selectors.DefaultSelector()
out_fd = sys.stdout.fileno()
runs = {}  # request id -> Run
runs_by_pid = {}  # main child pid -> Run
driver = None  # Driver


def log(*a):
    print("[agent]", *a, file=sys.stderr, flush=True)


def send(obj):
    # stdout stays blocking: a slow reader applies back-pressure instead of losing frames.
    send_raw((json.dumps(obj, separators=(",", ":")) + "\n").encode())


def send_raw(data):
    view = memoryview(data)
    while view:
        try:
            n = os.write(out_fd, view)
        except InterruptedError:
            continue
        view = view[n:]


def decode(b):
    return b.decode("utf-8", errors="replace")


# ---------------------------------------------------------------- process sweeping

def proc_table():
    """pid -> (ppid, pgid) for every process visible in the container."""
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


def sweep_run(run):
    """Kill a run's whole tree: its process group plus anything that carries its env marker."""
    marker = f"RP_RUN={run.rid}\0".encode()
    for _ in range(20):
        try:
            os.killpg(run.pid, signal.SIGKILL)
        except OSError:
            pass
        found = False
        for pid, (ppid, pgid) in proc_table().items():
            if pid == 1:
                continue
            if pgid == run.pid or has_marker(pid, marker):
                kill_quiet(pid)
                found = True
        if not found:
            return
        reap()


def protected_pids(table):
    keep = {1}
    if driver is not None:
        keep.add(driver.pid)
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
    """No run is active: whatever descends from the agent and is not the notebook is a leftover.
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


# ---------------------------------------------------------------- runs

class Run:
    def __init__(self, rid, req):
        self.rid = rid
        self.req = req
        self.cap = int(req.get("limits", {}).get("output_bytes", 1 << 20))
        self.out = bytearray()
        self.err = bytearray()
        self.out_trunc = False
        self.out_total = 0
        self.err_total = 0
        self.err_trunc = False
        self.open_fds = set()
        self.stdin_fd = None
        self.stdin_data = b""
        self.status = None
        self.pid = None
        self.started = time.monotonic()
        self.deadline = self.started + max(0.001, req.get("timeout_ms", 30000) / 1000.0)
        self.drain_deadline = None
        self.timed_out = False
        self.cancelled = False
        self.failure = None

    def finish(self):
        if self.stdin_fd is not None:
            close_fd(self.stdin_fd)
            self.stdin_fd = None
        for fd in list(self.open_fds):
            close_fd(fd)
        self.open_fds.clear()
        runs.pop(self.rid, None)
        runs_by_pid.pop(self.pid, None)
        code, sig = None, None
        if self.status is not None:
            if os.WIFEXITED(self.status):
                code = os.WEXITSTATUS(self.status)
            elif os.WIFSIGNALED(self.status):
                sig = signal.Signals(os.WTERMSIG(self.status)).name
        resp = {
            "id": self.rid,
            "ok": True,
            "stdout": decode(bytes(self.out)),
            "stderr": decode(bytes(self.err)),
            "exit_code": code,
            "signal": sig,
            "timed_out": self.timed_out,
            "cancelled": self.cancelled,
            "stdout_truncated": self.out_trunc,
            "stderr_truncated": self.err_trunc,
            # Bytes written, kept or not, so a cut output can say how much was dropped.
            "stdout_bytes": self.out_total,
            "stderr_bytes": self.err_total,
            "duration_ms": round((time.monotonic() - self.started) * 1000, 2),
        }
        if self.failure:
            resp["failure"] = self.failure
        send(resp)
        if not runs:
            sweep_idle()


def close_fd(fd):
    try:
        sel.unregister(fd)
    except (KeyError, ValueError):
        pass
    try:
        os.close(fd)
    except OSError:
        pass


def child_env(req, rid):
    env = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": WORKDIR,
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/.mpl",
        "XDG_CACHE_HOME": "/tmp/.cache",
        "GOCACHE": "/tmp/.gocache",
        "GOPATH": "/tmp/.gopath",
        "GOFLAGS": "-mod=mod",
        "GO111MODULE": "auto",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update({str(k): str(v) for k, v in (req.get("env") or {}).items()})
    env["RP_RUN"] = str(rid)
    return env


def start_run(rid, req):
    run = Run(rid, req)
    argv = req.get("argv") or []
    if not argv or not all(isinstance(a, str) for a in argv):
        send({"id": rid, "ok": False, "error": "argv must be a non-empty list of strings"})
        return
    cwd = WORKDIR
    rel = [s for s in str(req.get("cwd") or "").split("/") if s and s != "."]
    if ".." in rel:
        send({"id": rid, "ok": False, "error": "invalid cwd"})
        return
    if rel:
        cwd = os.path.join(WORKDIR, *rel)
    limits = req.get("limits") or {}
    env = child_env(req, rid)
    stdin_data = req.get("stdin")

    out_r, out_w = os.pipe2(os.O_CLOEXEC)
    err_r, err_w = os.pipe2(os.O_CLOEXEC)
    exc_r, exc_w = os.pipe2(os.O_CLOEXEC)
    in_r = in_w = None
    if stdin_data:
        in_r, in_w = os.pipe2(os.O_CLOEXEC)
    try:
        pid = os.fork()
    except OSError as e:
        for fd in (out_r, out_w, err_r, err_w, exc_r, exc_w, in_r, in_w):
            if fd is not None:
                os.close(fd)
        send({"id": rid, "ok": True, "failure": f"cannot start the process: {e.strerror} (the container's process limit may be exhausted)",
              "stdout": "", "stderr": "", "exit_code": None, "signal": None, "timed_out": False, "cancelled": False,
              "stdout_truncated": False, "stderr_truncated": False, "duration_ms": 0})
        return
    if pid == 0:  # child
        try:
            os.setsid()
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.dup2(in_r if in_r is not None else os.open("/dev/null", os.O_RDONLY), 0)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            set_limits(limits)
            oom_prefer(1000)
            os.chdir(cwd)
            code = inline_python_code(argv, req, env)
            if code is not None:
                os.close(exc_w)
                run_inline(code, env)  # never returns
            os.execvpe(argv[0], argv, env)
        except BaseException as e:  # noqa: BLE001 - report anything to the parent
            msg = f"{type(e).__name__}: {e}" if not isinstance(e, OSError) else f"{argv[0]}: {e.strerror}"
            try:
                os.write(exc_w, msg.encode()[:4000])
            finally:
                os._exit(127)
    # parent
    os.close(out_w)
    os.close(err_w)
    os.close(exc_w)
    if in_r is not None:
        os.close(in_r)
    # The exec-error pipe closes (EOF) on a successful exec.
    chunks = []
    while True:
        try:
            b = os.read(exc_r, 4096)
        except InterruptedError:
            continue
        if not b:
            break
        chunks.append(b)
    os.close(exc_r)
    run.pid = pid
    runs[rid] = run
    runs_by_pid[pid] = run
    if chunks:
        run.failure = decode(b"".join(chunks))
    for fd, which in ((out_r, "out"), (err_r, "err")):
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ, ("run_out", run, which))
        run.open_fds.add(fd)
    if in_w is not None:
        run.stdin_fd = in_w
        run.stdin_data = stdin_data.encode() if isinstance(stdin_data, str) else b""
        os.set_blocking(in_w, False)
        sel.register(in_w, selectors.EVENT_WRITE, ("run_in", run, None))


PYTHONS = {"python3", "python", "/usr/bin/python3", "/usr/bin/python", sys.executable}


def inline_python_code(argv, req, env):
    """`python3 -c CODE` runs in a fork of this (already initialised) interpreter: a fresh process
    with a fresh __main__, without paying interpreter start-up. Opt out per request with
    "fresh": true, or per sandbox with the run environment PLAYGROUND_FORKSERVER=0; start-up-only
    PYTHON* variables (PYTHONPATH, ...) need a fresh interpreter too."""
    if req.get("fresh") or not inline_env_ok(env):
        return None
    if len(argv) == 3 and argv[0] in PYTHONS and argv[1] == "-c":
        return argv[2]
    return None


def run_inline(code, env):
    """In the forked run: the agent's signal handlers and descriptors go, then pyinline makes the
    rest behave as `python3 -c code` would."""
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGCHLD, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.closerange(3, 65536)
    run_python_inline(code, env, _FRESH_MODULES)


def oom_prefer(score):
    """Unprivileged processes may raise their OOM score: under memory pressure the kernel then
    kills a run (or the kernel) rather than the agent, and the container keeps serving."""
    try:
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write(str(score))
    except OSError:
        pass


def set_limits(limits):
    MiB = 1 << 20

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


def on_run_output(run, which, fd):
    try:
        data = os.read(fd, 65536)
    except BlockingIOError:
        return
    except OSError:
        data = b""
    if not data:
        close_fd(fd)
        run.open_fds.discard(fd)
        maybe_finish(run)
        return
    buf = run.out if which == "out" else run.err
    if which == "out":
        run.out_total += len(data)
    else:
        run.err_total += len(data)
    room = run.cap - len(buf)
    if room > 0:
        buf += data[:room]
    if len(data) > room:
        if which == "out":
            run.out_trunc = True
        else:
            run.err_trunc = True


def on_run_stdin(run, fd):
    try:
        n = os.write(fd, run.stdin_data[:65536])
        run.stdin_data = run.stdin_data[n:]
    except BlockingIOError:
        return
    except OSError:
        run.stdin_data = b""
    if not run.stdin_data:
        close_fd(fd)
        run.stdin_fd = None


def maybe_finish(run):
    if run.status is None:
        return
    if run.open_fds and run.drain_deadline is not None and time.monotonic() < run.drain_deadline:
        return
    run.finish()


def on_child_exit(pid, status):
    run = runs_by_pid.get(pid)
    if run is not None and run.status is None:
        run.status = status
        # Background children die with the run; then the pipes reach EOF.
        sweep_run(run)
        run.drain_deadline = time.monotonic() + 0.5
        maybe_finish(run)
    elif driver is not None and pid == driver.pid:
        driver.exited(status)


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
        on_child_exit(pid, status)


def kill_run(run, why):
    if run.status is not None:
        return
    if why == "timeout":
        run.timed_out = True
    else:
        run.cancelled = True
    sweep_run(run)


# ---------------------------------------------------------------- files

class FsError(Exception):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


def resolve(p, must_exist=False):
    if not isinstance(p, str) or "\0" in p:
        raise FsError("EREJECTED", "invalid path")
    if p == WORKDIR or p.startswith(WORKDIR + "/"):
        p = p[len(WORKDIR):]
    elif p.startswith("/"):
        raise FsError("EREJECTED", f"Path {json.dumps(p)} is outside the session directory.")
    segs = [s for s in p.split("/") if s and s != "."]
    if ".." in segs:
        raise FsError("EREJECTED", f'Path {json.dumps(p)} contains "..", which is not allowed.')
    abs_path = os.path.join(WORKDIR, *segs)
    # The deepest existing ancestor, symlinks resolved, must stay inside the workdir.
    probe = abs_path
    while True:
        if os.path.lexists(probe):
            real = os.path.realpath(probe)
            if real != WORKDIR and not real.startswith(WORKDIR + "/"):
                raise FsError("EREJECTED", f"Path {json.dumps(p)} leads outside the session directory (symlink).")
            break
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    return abs_path


def fs_op(op, req):
    path = resolve(req.get("path", ""))
    if op == "fs.read":
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        try:
            maxb = req.get("max_bytes")
            chunks, n = [], 0
            while maxb is None or n < maxb:
                b = os.read(fd, 1 << 20 if maxb is None else min(1 << 20, maxb - n))
                if not b:
                    break
                chunks.append(b)
                n += len(b)
        finally:
            os.close(fd)
        return {"data": base64.b64encode(b"".join(chunks)).decode()}
    if op == "fs.write":
        if path == WORKDIR:
            raise FsError("EREJECTED", "Cannot write to the session directory itself.")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        resolve(req.get("path", ""))
        flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_EXCL if req.get("create_only") else os.O_TRUNC)
        fd = os.open(path, flags, 0o644)
        try:
            view = memoryview(base64.b64decode(req.get("data", "")))
            while view:
                n = os.write(fd, view)
                view = view[n:]
        finally:
            os.close(fd)
        return {}
    if op == "fs.remove":
        if path == WORKDIR:
            raise FsError("EREJECTED", "Cannot delete the session directory itself.")
        st = os.lstat(path)
        if stat.S_ISDIR(st.st_mode):
            import shutil
            shutil.rmtree(path)
        else:
            os.unlink(path)
        return {}
    if op == "fs.list":
        entries = []
        with os.scandir(path) as it:
            for e in it:
                try:
                    st = e.stat(follow_symlinks=False)
                    size = st.st_size
                except OSError:
                    size = 0
                kind = "symlink" if e.is_symlink() else "dir" if e.is_dir(follow_symlinks=False) else "file" if e.is_file(follow_symlinks=False) else "other"
                entries.append({"name": e.name, "type": kind, "size": size})
        entries.sort(key=lambda x: x["name"])
        return {"entries": entries}
    if op == "fs.exists":
        return {"exists": os.path.lexists(path)}
    raise FsError("EINVAL", f"unknown op {op}")


# ---------------------------------------------------------------- notebook driver relay

class Driver:
    """The notebook driver (nbdriver.py): one per container, started on first use. Its lines are
    relayed verbatim; it answers with the request ids we give it."""

    def __init__(self):
        in_r, in_w = os.pipe2(os.O_CLOEXEC)
        out_r, out_w = os.pipe2(os.O_CLOEXEC)
        pid = os.fork()
        if pid == 0:
            try:
                os.setsid()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                os.dup2(in_r, 0)
                os.dup2(out_w, 1)
                oom_prefer(800)
                env = child_env({}, "notebook")
                del env["RP_RUN"]
                os.chdir(WORKDIR)
                os.execvpe(sys.executable, [sys.executable, "-u", DRIVER], env)
            finally:
                os._exit(127)
        os.close(in_r)
        os.close(out_w)
        self.pid = pid
        self.in_fd = in_w
        self.out_fd = out_r
        self.buf = bytearray()
        self.pending = set()
        os.set_blocking(out_r, False)
        sel.register(out_r, selectors.EVENT_READ, ("driver", None, None))

    def send(self, rid, msg):
        self.pending.add(rid)
        data = (json.dumps({**msg, "id": rid}) + "\n").encode()
        view = memoryview(data)
        while view:
            n = os.write(self.in_fd, view)
            view = view[n:]

    def on_readable(self):
        try:
            data = os.read(self.out_fd, 1 << 20)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            close_fd(self.out_fd)
            return
        self.buf += data
        while True:
            i = self.buf.find(b"\n")
            if i < 0:
                break
            line, self.buf = bytes(self.buf[:i]), self.buf[i + 1:]
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            self.pending.discard(msg.get("id"))
            send_raw(line + b"\n")

    def exited(self, status):
        global driver
        close_fd(self.in_fd)
        close_fd(self.out_fd)
        for rid in self.pending:
            send({"id": rid, "ok": False, "error": "The notebook driver exited (the kernel was killed); its state is lost.", "code": "driver_exited"})
        self.pending.clear()
        if driver is self:
            driver = None


# ---------------------------------------------------------------- main loop

def handle(req):
    global driver
    rid = req.get("id")
    op = req.get("op")
    try:
        if op == "hello":
            langs = []
            try:
                with open("/etc/sandbox/languages.json") as f:
                    langs = [x["name"] for x in json.load(f)["languages"]]
            except (OSError, ValueError, KeyError):
                pass
            send({"id": rid, "ok": True, "version": PROTOCOL_VERSION, "pid": os.getpid(), "uid": os.getuid(), "languages": langs})
        elif op == "run":
            start_run(rid, req)
        elif op == "cancel":
            run = runs.get(req.get("target"))
            if run is not None:
                kill_run(run, "cancel")
            send({"id": rid, "ok": True, "found": run is not None})
        elif op and op.startswith("fs."):
            try:
                send({"id": rid, "ok": True, **fs_op(op, req)})
            except FsError as e:
                send({"id": rid, "ok": False, "code": e.code, "error": str(e)})
            except OSError as e:
                send({"id": rid, "ok": False, "code": errno.errorcode.get(e.errno, "EIO"), "error": e.strerror or str(e)})
        elif op == "nb":
            if driver is None:
                driver = Driver()
            driver.send(rid, req.get("msg") or {})
        elif op == "sweep":
            if not runs:
                sweep_idle()
            send({"id": rid, "ok": True, "processes": len(proc_table())})
        else:
            send({"id": rid, "ok": False, "error": f"unknown op {op!r}"})
    except Exception as e:  # noqa: BLE001 - the agent must keep serving
        log("request failed", op, repr(e))
        send({"id": rid, "ok": False, "error": f"agent error: {type(e).__name__}: {e}"})


def main():
    # Orphans are re-parented to us; SIGCHLD wakes the loop to reap them.
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    in_fd = sys.stdin.fileno()
    os.set_blocking(in_fd, False)
    sel.register(in_fd, selectors.EVENT_READ, ("stdin", None, None))
    sel.register(wake_r, selectors.EVENT_READ, ("wake", None, None))
    inbuf = bytearray()
    send({"id": None, "ok": True, "ready": True, "version": PROTOCOL_VERSION})
    while True:
        now = time.monotonic()
        timeout = None
        for run in list(runs.values()):
            if run.status is None and now >= run.deadline and not run.timed_out and not run.cancelled:
                kill_run(run, "timeout")
            elif run.status is not None and run.drain_deadline is not None and now >= run.drain_deadline:
                run.finish()
                continue
            t = run.deadline if run.status is None else (run.drain_deadline or now)
            if run.status is None and (run.timed_out or run.cancelled):
                t = now + 0.05  # keep sweeping until the main child is gone
            timeout = t - now if timeout is None else min(timeout, t - now)
        events = sel.select(None if timeout is None else max(0.0, timeout))
        for key, _ in events:
            kind, run, which = key.data
            if kind == "stdin":
                try:
                    data = os.read(in_fd, 1 << 20)
                except BlockingIOError:
                    continue
                if not data:
                    log("stdin closed; exiting")
                    return
                inbuf += data
                while True:
                    i = inbuf.find(b"\n")
                    if i < 0:
                        break
                    line, inbuf = bytes(inbuf[:i]), inbuf[i + 1:]
                    if not line.strip():
                        continue
                    try:
                        req = json.loads(line)
                    except ValueError as e:
                        send({"id": None, "ok": False, "error": f"bad frame: {e}"})
                        continue
                    handle(req)
            elif kind == "wake":
                try:
                    while os.read(wake_r, 4096):
                        pass
                except BlockingIOError:
                    pass
                reap()
            elif kind == "run_out":
                on_run_output(run, which, key.fd)
            elif kind == "run_in":
                on_run_stdin(run, key.fd)
            elif kind == "driver":
                if driver is not None:
                    driver.on_readable()
        reap()


if __name__ == "__main__":
    main()
