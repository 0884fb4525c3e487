"""The run op: each run is a fresh child in its own session and process group, with rlimits, an
output cap and a deadline; when it ends, its whole tree is swept and one response is sent."""
import os
import selectors
import signal
import sys
import time

import procs
from dumpable import set_dumpable
from fsops import WORKDIR
from pyinline import inline_env_ok, run_python_inline, script_argv
from rlimits import oom_prefer, set_limits
from spawn import spawn
from wire import close_fd, decode, read_ready, sel, send, send_bytes

active = {}  # request id -> Run

PYTHONS = {"python3", "python", "/usr/bin/python3", "/usr/bin/python", sys.executable}


class Run:
    def __init__(self, rid, req):
        self.rid = rid
        self.req = req
        self.cap = int(req.get("limits", {}).get("output_bytes", 1 << 20))
        # "tap": N streams each output chunk to the host as it is read ({"ev": "out"} frames, the
        # Editor's live view and its head + tail), up to N bytes per stream; past N it is only counted.
        self.tap = max(0, int(req.get("tap") or 0))
        self.out = bytearray()
        self.err = bytearray()
        self.out_trunc = False
        self.out_total = 0
        self.err_total = 0
        self.err_trunc = False
        self.open_fds = set()
        self.fd_which = {}  # output fd -> "out" | "err"
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

    def sweep(self):
        procs.sweep_group(self.pid, f"RP_RUN={self.rid}\0".encode())

    def kill(self, why):
        if self.status is not None:
            return
        if why == "timeout":
            self.timed_out = True
        else:
            self.cancelled = True
        self.sweep()

    def exited(self, status):
        if self.status is not None:
            return
        self.status = status
        # Background children die with the run; then the pipes reach EOF.
        self.sweep()
        self.drain_deadline = time.monotonic() + 0.5
        self.maybe_finish()

    def maybe_finish(self):
        if self.status is None:
            return
        if self.open_fds and self.drain_deadline is not None and time.monotonic() < self.drain_deadline:
            return
        self.finish()

    def on_output(self, which, fd):
        data = read_ready(fd, 65536)
        if data is None:
            return
        if not data:
            close_fd(fd)
            self.open_fds.discard(fd)
            self.maybe_finish()
            return
        self.take(which, data)

    def take(self, which, data):
        buf = self.out if which == "out" else self.err
        before = self.out_total if which == "out" else self.err_total
        if which == "out":
            self.out_total += len(data)
        else:
            self.err_total += len(data)
        if before < self.tap:
            send_bytes({"ev": "out", "run": self.rid, "stream": "stdout" if which == "out" else "stderr"}, data[: self.tap - before])
        room = self.cap - len(buf)
        if room > 0:
            buf += data[:room]
        if len(data) > room:
            if which == "out":
                self.out_trunc = True
            else:
                self.err_trunc = True

    def on_stdin(self, fd):
        try:
            n = os.write(fd, self.stdin_data[:65536])
            self.stdin_data = self.stdin_data[n:]
        except BlockingIOError:
            return
        except OSError:
            self.stdin_data = b""
        if not self.stdin_data:
            close_fd(fd)
            self.stdin_fd = None

    def drain(self):
        """What is already in the pipes is the run's output, however late the loop gets to it: a
        busy agent (32 runs at once under gVisor) passed the drain deadline of runs whose output
        sat unread, and answered them with an empty stdout. Non-blocking: a background process
        that kept the pipe open cannot hold the answer."""
        for fd in list(self.open_fds):
            for _ in range(64):  # bounded: an escaped writer may never stop
                data = read_ready(fd, 65536)
                if not data:  # None: nothing more for now; b"": EOF
                    break
                self.take(self.fd_which[fd], data)

    def finish(self):
        if self.stdin_fd is not None:
            close_fd(self.stdin_fd)
            self.stdin_fd = None
        self.drain()
        for fd in list(self.open_fds):
            close_fd(fd)
        self.open_fds.clear()
        active.pop(self.rid, None)
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
        if not active:
            procs.sweep_idle()


def tick(now):
    """Enforce deadlines; returns how long the main loop may sleep (None: until an event)."""
    timeout = None
    for run in list(active.values()):
        if run.status is None and now >= run.deadline and not run.timed_out and not run.cancelled:
            run.kill("timeout")
        elif run.status is not None and run.drain_deadline is not None and now >= run.drain_deadline:
            run.finish()
            continue
        t = run.deadline if run.status is None else (run.drain_deadline or now)
        if run.status is None and (run.timed_out or run.cancelled):
            t = now + 0.05  # keep sweeping until the main child is gone
        timeout = t - now if timeout is None else min(timeout, t - now)
    return timeout


def cancel(target):
    run = active.get(target)
    if run is not None:
        run.kill("cancel")
    return run is not None


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


def start(rid, req, fresh_modules):
    """fresh_modules: what a fresh `python3 -c` has loaded (captured by agent.py before its imports)."""
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

    def setup(started):
        set_dumpable(True)  # the agent is not; a run is as an exec'd program would be
        set_limits(limits)
        oom_prefer(1000)
        os.chdir(cwd)
        code = inline_python_code(argv, req, env)
        # A warm run (the service API's) also runs `python3 main.py` in the fork.
        script = script_argv(argv, PYTHONS) if code is None and req.get("warm") and not req.get("fresh") and inline_env_ok(env) else None
        if code is not None or script:
            started()
            if req.get("warm") and "random" in sys.modules:
                # Seeded once in the template; a fresh interpreter seeds from the OS.
                sys.modules["random"].seed()
            run_inline(code, env, fresh_modules, script)  # never returns

    try:
        child = spawn(argv, env, setup, stdin=bool(stdin_data))
    except OSError as e:
        send({"id": rid, "ok": True, "failure": f"cannot start the process: {e.strerror} (the container's process limit may be exhausted)",
              "stdout": "", "stderr": "", "exit_code": None, "signal": None, "timed_out": False, "cancelled": False,
              "stdout_truncated": False, "stderr_truncated": False, "duration_ms": 0})
        return
    pid, out_r, err_r, in_w = child.pid, child.out_r, child.err_r, child.in_w
    run.pid = pid
    active[rid] = run
    procs.watch(pid, run.exited)
    if child.failure:
        run.failure = child.failure
    for fd, which in ((out_r, "out"), (err_r, "err")):
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ, lambda fd, which=which: run.on_output(which, fd))
        run.open_fds.add(fd)
        run.fd_which[fd] = which
    if in_w is not None:
        run.stdin_fd = in_w
        run.stdin_data = stdin_data.encode() if isinstance(stdin_data, str) else b""
        os.set_blocking(in_w, False)
        sel.register(in_w, selectors.EVENT_WRITE, run.on_stdin)


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


def run_inline(code, env, fresh_modules, script=None):
    """In the forked run: the agent's signal handlers and descriptors go, then pyinline makes the
    rest behave as `python3 -c code` would."""
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGCHLD, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.closerange(3, 65536)
    run_python_inline(code, env, fresh_modules, script)
