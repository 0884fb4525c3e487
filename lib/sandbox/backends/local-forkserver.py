# The local backend's fork server: one per sandbox session, started inside the session's bwrap
# sandbox as the session's uid. Each run is a fork of this already-initialised interpreter, so a
# Python run skips interpreter start-up (and every run skips bwrap/setpriv/prlimit start-up).
#
# Per run:  zygote --fork--> supervisor (subreaper; relays output) --fork--> the run (own session
# and process group, the run's rlimits, stdio on pipes). When the run exits, or on a kill request,
# the supervisor's whole subtree is killed: nothing a run starts outlives it.
#
# Wire format. In (stdin): JSON lines {"op":"run"|"kill", ...}. Out (stdout): binary frames
# <u32 payload length><u32 run id><u8 kind><payload>, each written with one write() of at most
# PIPE_BUF bytes, so frames from concurrent supervisors never interleave.
import sys

# What a fresh `python3 -c` has loaded: the run drops every module imported after this point.
_FRESH_MODULES = frozenset(sys.modules)

# Template mode (`--template`, the API's warm templates): one zygote for many requests, run as
# root inside bwrap with CAP_SYS_ADMIN/SETUID/SETGID/NET_ADMIN. Each run gets namespaces of its
# own (mount, pid, ipc, net), a fresh /tmp and /dev/shm, only its own session directory at
# /sandbox, and its own uid with no capabilities. The common modules are imported once here; a
# run keeps them (it is a fork, so what it changes in them dies with it).
TEMPLATE = "--template" in sys.argv[1:]
if TEMPLATE:
    import bisect, collections, copy, dataclasses, datetime, decimal, fractions, functools, heapq, itertools, json, math, operator, random, re, statistics, string, typing  # noqa: E401,F401
    _FRESH_MODULES = frozenset(sys.modules)

import json  # noqa: E402
import os  # noqa: E402
import select  # noqa: E402
import signal  # noqa: E402
import struct  # noqa: E402

# Shared with the Docker agent; bound beside this file in the sandbox (docker/sandbox/agent/*.py).
from pyinline import run_python_inline, script_argv  # noqa: E402
from proctable import proc_table  # noqa: E402
from rlimits import set_limits  # noqa: E402

KIND_OUT, KIND_ERR, KIND_EXIT, KIND_READY = 1, 2, 3, 5
HEADER = struct.Struct("<IIB")
PIPE_BUF = 4096
CHUNK = PIPE_BUF - HEADER.size
PYTHONS = {sys.executable, os.path.realpath(sys.executable), "python3", "python"}


def frame(rid, kind, payload=b""):
    # Callers keep payloads within CHUNK, so this is one atomic write to the pipe.
    data = HEADER.pack(len(payload), rid, kind) + payload
    view = memoryview(data)
    while view:
        view = view[os.write(1, view):]


def frame_json(rid, kind, obj):
    frame(rid, kind, json.dumps(obj).encode()[:CHUNK])


def set_dumpable(on):
    # Non-dumpable: a run (same uid) cannot open /proc/<zygote>/fd/* to forge frames, nor ptrace it.
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 1 if on else 0, 0, 0, 0)  # PR_SET_DUMPABLE
    except Exception:  # noqa: BLE001 - best effort
        pass


def set_subreaper():
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def descendants(root):
    """Every live process below `root`, from /proc (pids of this sandbox's pid namespace)."""
    children = {}
    for pid, (ppid, _) in proc_table().items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        for c in children.get(todo.pop(), ()):
            out.append(c)
            todo.append(c)
    return out


def kill_tree(root):
    """SIGKILL everything below root until nothing is left (a fork during the sweep is caught next pass)."""
    for _ in range(200):
        pids = descendants(root)
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


# ---------------------------------------------------------------- the run (grandchild)

def exec_run(req, stdin_r, out_w, err_w, exc_w):
    """In the forked run process: become what a fresh process would be, then exec or run inline.
    A failure before the program starts goes to the supervisor through the exec-error pipe."""
    try:
        _exec_run(req, stdin_r, out_w, err_w, exc_w)
    except BaseException as e:  # noqa: BLE001
        argv0 = (req.get("argv") or ["?"])[0]
        msg = f"{argv0}: {e.strerror}" if isinstance(e, OSError) and e.strerror else f"{type(e).__name__}: {e}"
        try:
            os.write(EXC_FD if _exc_moved else exc_w, msg.encode()[:2000])
        finally:
            os._exit(127)


EXC_FD = 3
_exc_moved = False


def _exec_run(req, stdin_r, out_w, err_w, exc_w):
    run_prelude(req, stdin_r, out_w, err_w, exc_w)
    launch(req)


def run_prelude(req, stdin_r, out_w, err_w, exc_w, ctrl_r=None):
    """What a run does before its program whatever the program: its own session, default signals,
    stdio on the run's pipes, every other fd closed, its uid. With `ctrl_r` (a prepared sandbox,
    which gets its request later) that pipe is kept as CTRL_FD."""
    global _exc_moved
    os.setsid()
    for sig in (signal.SIGPIPE, signal.SIGCHLD, signal.SIGTERM, signal.SIGUSR1):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.set_wakeup_fd(-1)
    os.dup2(stdin_r, 0)
    os.dup2(out_w, 1)
    os.dup2(err_w, 2)
    # Keep only the exec-error pipe (close-on-exec) for reporting a failed exec.
    os.dup2(exc_w, EXC_FD, inheritable=False)
    _exc_moved = True
    if ctrl_r is not None:
        os.dup2(ctrl_r, CTRL_FD, inheritable=False)
    os.closerange((EXC_FD if ctrl_r is None else CTRL_FD) + 1, 65536)
    fresh = req.get("fresh")
    if fresh:
        become(int(fresh["uid"]))
    set_dumpable(True)


def launch(req):
    """The request's part of a run: its limits, cwd and environment, then its program (inline in
    this process for Python, else exec)."""
    set_limits(req.get("limits") or {})
    cwd = "/sandbox"
    rel = [s for s in str(req.get("cwd") or "").split("/") if s and s != "."]
    if rel:
        cwd = os.path.join(cwd, *rel)
    os.chdir(cwd)
    env = {str(k): str(v) for k, v in (req.get("env") or {}).items()}
    env["PWD"] = cwd  # as bwrap --chdir sets it for a spawned run
    argv = req["argv"]
    script = script_argv(argv, PYTHONS) if req.get("inline") == "script" else None
    if script or (req.get("inline") is True and len(argv) == 3 and argv[0] in PYTHONS and argv[1] == "-c"):
        os.close(EXC_FD)
        if "random" in sys.modules:
            # The template seeded it once; a fresh interpreter would seed from the OS.
            sys.modules["random"].seed()
        run_python_inline(None if script else argv[2], env, _FRESH_MODULES, script)  # never returns
    os.execvpe(argv[0], argv, env)


CTRL_FD = EXC_FD + 1


def prepared_run(fresh, stdin_r, out_w, err_w, exc_w, ctrl_r):
    """A prepared sandbox's run process: the prelude now, then it waits for its request on the
    control pipe (EOF: the sandbox was discarded unused) and runs it."""
    try:
        run_prelude({"fresh": fresh}, stdin_r, out_w, err_w, exc_w, ctrl_r)
        data = b""
        while not data.endswith(b"\n"):
            chunk = os.read(CTRL_FD, 1 << 16)
            if not chunk:
                os._exit(0)
            data += chunk
        os.close(CTRL_FD)
        launch(json.loads(data))
    except BaseException as e:  # noqa: BLE001
        msg = f"{type(e).__name__}: {e}"
        try:
            os.write(EXC_FD if _exc_moved else exc_w, msg.encode()[:2000])
        finally:
            os._exit(127)


# ---------------------------------------------------------------- template mode: a fresh sandbox per run

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x08000000, 0x20000000, 0x40000000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 8, 4096, 16384, 1 << 18
_libc = None


def libc():
    global _libc
    if _libc is None:
        import ctypes

        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def check(rc, what):
    if rc != 0:
        import ctypes

        e = ctypes.get_errno()
        raise OSError(e, f"{what}: {os.strerror(e)}")


def mount(src, target, fstype, flags, data=None):
    import ctypes

    enc = lambda x: None if x is None else x.encode()  # noqa: E731
    check(libc().mount(enc(src), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)), f"mount {target}")


def session_name_ok(name):
    return isinstance(name, str) and 0 < len(name) <= 64 and name.isascii() and all(c.isalnum() or c in "-_" for c in name)


def loopback_up():
    # _socket, not socket: importing socket builds its enums, ~20 ms of page faults per run here.
    import _socket
    import fcntl

    s = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    try:
        fcntl.ioctl(s.fileno(), 0x8914, struct.pack("16sH22x", b"lo", 0x1 | 0x8 | 0x40))  # SIOCSIFFLAGS: UP|LOOPBACK|RUNNING
    finally:
        s.close()


def enter_fresh(fresh):
    """In the run's init (root, PID 1 of a new pid namespace, before forking the run): mount, IPC
    and network namespaces of its own, the request's session directory at /sandbox, empty /tmp
    and /dev/shm, other sessions hidden, its own /proc."""
    name = fresh.get("dir")
    if not session_name_ok(name):
        raise OSError(22, f"bad session directory {name!r}")
    tmp = f"size={int(fresh.get('tmp_bytes') or 256 << 20)},mode=1777"
    check(libc().unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET), "unshare")
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount(f"/sessions/{name}", "/sandbox", None, MS_BIND | MS_REC)
    mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, tmp)
    if os.path.isdir("/dev/shm"):
        mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, tmp)
    mount("tmpfs", "/sessions", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4096,mode=0755")
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    loopback_up()


def become(uid):
    # From root with capabilities to the run's own uid with none (setuid from 0 clears them).
    if uid <= 0:
        raise OSError(1, "a fresh run needs an unprivileged uid")
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def keep_only(keep):
    """Closes every fd but `keep` (the other runs' pipe ends, the zygote's stdio)."""
    last = -1
    for fd in sorted(keep):
        if fd > last + 1:
            os.closerange(last + 1, fd)
        last = fd
    os.closerange(last + 1, 65536)


def run_init(req, in_r, out_w, err_w, exc_w, status_w, ctrl_r=None):
    """PID 1 of the run's pid namespace: sets up the fresh sandbox, forks the run, reaps orphans
    until the run exits, hands its wait status over and exits, which kills whatever else is left
    inside (the kernel does, and the zygote's pipes see EOF once it has)."""
    try:
        keep_only({in_r, out_w, err_w, exc_w, status_w} | ({ctrl_r} if ctrl_r is not None else set()))
        signal.set_wakeup_fd(-1)
        for sig in (signal.SIGCHLD, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        enter_fresh(req["fresh"])
        pid = raw_fork()
    except BaseException as e:  # noqa: BLE001
        os.write(exc_w, f"cannot set up the sandbox: {e}".encode()[:2000])
        os._exit(127)
    if pid == 0:
        os.close(status_w)
        if ctrl_r is not None:
            prepared_run(req["fresh"], in_r, out_w, err_w, exc_w, ctrl_r)  # never returns
        exec_run(req, in_r, out_w, err_w, exc_w)  # never returns
    # Keep only the status pipe: a pipe end held here (stdin's read end above all) would keep
    # the zygote from seeing EOF.
    keep_only({status_w})
    while True:
        try:
            got, st = os.waitpid(-1, 0)
        except ChildProcessError:
            os._exit(1)
        except InterruptedError:
            continue
        if got == pid:
            os.write(status_w, st.to_bytes(4, "little", signed=True))
            os._exit(0)


def raw_fork():
    """glibc's fork without CPython's after-fork work: os.fork() in a child costs ~200 extra page
    faults (~10 ms on a VM where a fault costs 30-50 us), twice per request. Safe here only
    because the template never starts a thread and holds no lock while it forks; exec_run does
    what a run needs of the rest (signals, the wakeup fd, random's seed)."""
    pid = libc().fork()
    if pid < 0:
        import ctypes

        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return pid


class TemplateRun:
    __slots__ = ("rid", "init", "fds", "in_w", "pending", "exc", "status", "reaped", "ctrl_w", "tmp_bytes", "pending_in")

    def __init__(self, rid):
        self.rid = rid
        self.init = None
        self.fds = {}  # fd -> KIND_OUT | KIND_ERR | "exc" | "status"
        self.in_w = None
        self.pending = memoryview(b"")
        self.exc = b""
        self.status = b""
        self.reaped = False
        self.ctrl_w = None  # a prepared sandbox's control pipe (its request goes there)
        self.tmp_bytes = None
        self.pending_in = None  # a prepared sandbox's stdin write end, until its request


def take_requests(buf):
    """The complete JSON-line requests in buf, as (id, request) pairs, and the unfinished rest."""
    *lines, rest = buf.split(b"\n")
    return [(int(r.get("id", 0)), r) for r in (json.loads(line) for line in lines if line.strip())], rest


def template_main():
    """The warm template's loop: per request, one init (PID 1 of a fresh pid namespace, forked
    with the request's namespaces) and under it the run; this loop relays every run's output as
    frames, feeds stdin, reaps the inits and reports. No supervisor process per run: each forked
    Python process costs page faults, and the init's exit already kills all the run left."""
    set_dumpable(False)
    libc()  # loaded before any fork, so the children share it
    import _socket  # noqa: F401 - loopback_up's, imported once here (the run drops it again)
    import fcntl  # noqa: F401
    own_pidns = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
    runs = {}  # run id -> TemplateRun
    by_fd = {}  # fd -> TemplateRun
    by_init = {}  # init pid -> TemplateRun
    poller = select.poll()
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    poller.register(0, select.POLLIN)
    poller.register(wake_r, select.POLLIN)
    frame_json(0, KIND_READY, {"pid": os.getpid(), "python": sys.version.split()[0]})
    buf = b""
    stdin_open = True

    def watch(run, fd, kind, events=select.POLLIN):
        run.fds[fd] = kind
        by_fd[fd] = run
        poller.register(fd, events)

    def unwatch(run, fd):
        poller.unregister(fd)
        del by_fd[fd]
        run.fds.pop(fd, None)
        os.close(fd)

    def maybe_done(run):
        # Done once the init is reaped (so is everything it left: the kernel killed the rest of
        # its namespace first) and its output, exec-error and status pipes are at EOF.
        if run.fds or not run.reaped:
            return
        if run.in_w is not None:
            unwatch_in(run)
        runs.pop(run.rid, None)
        result = {}
        if run.exc:
            result["failure"] = run.exc.decode("utf-8", "replace")
        st = int.from_bytes(run.status, "little", signed=True) if len(run.status) == 4 else None
        if st is None:
            result["signal"] = signal.SIGKILL  # the init was killed (a timeout or cancel kills the tree)
        elif os.WIFSIGNALED(st):
            result["signal"] = os.WTERMSIG(st)
        else:
            result["exit_code"] = os.WEXITSTATUS(st)
        frame_json(run.rid, KIND_EXIT, result)

    def unwatch_in(run):
        fd = run.in_w
        run.in_w = None
        poller.unregister(fd)
        del by_fd[fd]
        os.close(fd)

    prepared = {}  # key -> TemplateRun (no run id yet)

    def spawn(req, with_stdin, ctrl):
        """Forks the init of a fresh sandbox for `req` (a run, or with `ctrl` a prepared sandbox
        whose run waits for its request). Returns the TemplateRun and stdin's write end."""
        run = TemplateRun(None)
        made = []
        try:
            out_r, out_w = os.pipe2(os.O_CLOEXEC)
            made += [out_r, out_w]
            err_r, err_w = os.pipe2(os.O_CLOEXEC)
            made += [err_r, err_w]
            if with_stdin:
                in_r, in_w = os.pipe2(os.O_CLOEXEC)
                made += [in_r, in_w]
            else:
                in_r, in_w = os.open("/dev/null", os.O_RDONLY | os.O_CLOEXEC), None
                made.append(in_r)
            exc_r, exc_w = os.pipe2(os.O_CLOEXEC)
            made += [exc_r, exc_w]
            status_r, status_w = os.pipe2(os.O_CLOEXEC)
            made += [status_r, status_w]
            ctrl_r = ctrl_w = None
            if ctrl:
                ctrl_r, ctrl_w = os.pipe2(os.O_CLOEXEC)
                made += [ctrl_r, ctrl_w]
            # The next child is PID 1 of a pid namespace of its own; the zygote's own children
            # go back to the zygote's namespace right after.
            check(libc().unshare(CLONE_NEWPID), "unshare")
            try:
                pid = raw_fork()
            except OSError:
                back_to_own_pidns(own_pidns)
                raise
            if pid != 0:
                back_to_own_pidns(own_pidns)
        except OSError:
            for fd in made:
                os.close(fd)
            raise
        if pid == 0:
            try:
                run_init(req, in_r, out_w, err_w, exc_w, status_w, ctrl_r)
            finally:
                os._exit(127)
        for fd in (out_w, err_w, in_r, exc_w, status_w) + ((ctrl_r,) if ctrl else ()):
            os.close(fd)
        run.init = pid
        run.ctrl_w = ctrl_w
        run.fds = {out_r: KIND_OUT, err_r: KIND_ERR, exc_r: "exc", status_r: "status"}
        by_init[pid] = run
        return run, in_w

    def attach(rid, run, in_w, stdin_bytes):
        """Starts reporting `run` as request `rid`: its pipes are watched, its stdin fed."""
        run.rid = rid
        runs[rid] = run
        for fd, kind in list(run.fds.items()):
            watch(run, fd, kind)
        if in_w is not None:
            run.pending = memoryview(stdin_bytes or b"")
            if run.pending:
                os.set_blocking(in_w, False)
                run.in_w = in_w
                by_fd[in_w] = run
                poller.register(in_w, select.POLLOUT)
            else:
                os.close(in_w)
        maybe_done(run)

    def start(rid, req):
        stdin_data = req.get("stdin")
        stdin_bytes = stdin_data.encode("utf-8", "surrogatepass") if isinstance(stdin_data, str) else None
        p = prepared.pop(req.get("prepared"), None) if req.get("prepared") else None
        if p is not None and p.tmp_bytes != (req.get("fresh") or {}).get("tmp_bytes"):
            kill(p)
            p = None
        if p is not None:
            run, in_w = p, p.pending_in
            try:
                # The request goes to the waiting run process; the rest of the sandbox is ready.
                view = memoryview(json.dumps(req).encode() + b"\n")
                while view:
                    view = view[os.write(run.ctrl_w, view):]
            except OSError:
                pass  # it died: its exec-error pipe and status say how
            os.close(run.ctrl_w)
            run.ctrl_w = None
            attach(rid, run, in_w, stdin_bytes)
            return
        try:
            run, in_w = spawn(req, stdin_bytes is not None, False)
        except OSError as e:
            frame_json(rid, KIND_EXIT, {"failure": f"cannot set up the sandbox: {e.strerror or e} (the process limit may be exhausted)"})
            return
        attach(rid, run, in_w, stdin_bytes)

    def prepare(key, fresh):
        if not key or key in prepared:
            return
        try:
            run, in_w = spawn({"fresh": fresh}, True, True)
        except OSError:
            return  # the run then forks its sandbox itself
        run.pending_in = in_w
        run.tmp_bytes = fresh.get("tmp_bytes")
        prepared[key] = run

    def discard(key):
        run = prepared.pop(key, None)
        if run is None:
            return
        kill(run)
        for fd in list(run.fds) + [run.pending_in, run.ctrl_w]:
            if fd is not None:
                os.close(fd)
        run.fds = {}

    def kill(run):
        if run.init is not None and not run.reaped:
            try:
                os.kill(run.init, signal.SIGKILL)
            except OSError:
                pass

    while stdin_open or runs:
        try:
            events = poller.poll()
        except InterruptedError:
            continue
        for fd, ev in events:
            if fd == wake_r:
                try:
                    while os.read(wake_r, 512):
                        pass
                except BlockingIOError:
                    pass
                while True:
                    try:
                        pid, _ = os.waitpid(-1, os.WNOHANG)
                    except ChildProcessError:
                        break
                    if pid == 0:
                        break
                    run = by_init.pop(pid, None)
                    if run is not None:
                        run.reaped = True
                        if run.rid is not None:
                            maybe_done(run)
                continue
            if fd == 0:
                data = os.read(0, 1 << 20)
                if not data:
                    stdin_open = False
                    poller.unregister(0)
                    for run in list(runs.values()):
                        kill(run)
                    for key in list(prepared):
                        discard(key)
                    continue
                reqs, buf = take_requests(buf + data)
                for rid, req in reqs:
                    if req.get("op") == "kill":
                        run = runs.get(rid)
                        if run is not None:
                            kill(run)
                    elif req.get("op") == "prepare":
                        fresh = req.get("fresh")
                        if isinstance(fresh, dict) and session_name_ok(fresh.get("dir")):
                            prepare(str(req.get("key") or ""), fresh)
                    elif req.get("op") == "discard":
                        discard(str(req.get("key") or ""))
                    elif req.get("op") == "run":
                        if not req.get("fresh"):
                            frame_json(rid, KIND_EXIT, {"failure": "the warm template runs only fresh sandboxes"})
                        else:
                            start(rid, req)
                continue
            run = by_fd.get(fd)
            if run is None:
                continue
            if fd == run.in_w:
                try:
                    n = os.write(fd, run.pending[:65536])
                    run.pending = run.pending[n:]
                except BlockingIOError:
                    continue
                except OSError:
                    run.pending = memoryview(b"")
                if not run.pending:
                    unwatch_in(run)
                    maybe_done(run)
                continue
            kind = run.fds.get(fd)
            try:
                data = os.read(fd, CHUNK)
            except OSError:
                data = b""
            if not data:
                unwatch(run, fd)
                maybe_done(run)
                continue
            if kind == "exc":
                run.exc += data
            elif kind == "status":
                run.status += data
            else:
                frame(run.rid, kind, data)


def back_to_own_pidns(fd):
    # Without it the next unshare(CLONE_NEWPID) fails (EINVAL), and the next request's init
    # would be born in this one's namespace. Cannot fail short of a broken kernel: then stop.
    if libc().setns(fd, CLONE_NEWPID) != 0:
        os.write(2, b"forkserver: cannot return to the template's pid namespace\n")
        os._exit(70)


# ---------------------------------------------------------------- the supervisor (child)

def supervise(rid, req):
    """Forks the run, relays its output as frames, feeds its stdin, reaps it, kills what it left."""
    set_subreaper()
    stdin_data = req.get("stdin")
    stdin_bytes = stdin_data.encode("utf-8", "surrogatepass") if isinstance(stdin_data, str) else None
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    if stdin_bytes is not None:
        in_r, in_w = os.pipe()
    else:
        in_r, in_w = os.open("/dev/null", os.O_RDONLY), None
    exc_r, exc_w = os.pipe2(os.O_CLOEXEC)
    try:
        pid = os.fork()
    except OSError as e:
        frame_json(rid, KIND_EXIT, {"failure": f"cannot start the process: {e.strerror or e} (the process limit may be exhausted)"})
        os._exit(0)
    if pid == 0:
        os.close(exc_r)
        exec_run(req, in_r, out_w, err_w, exc_w)  # never returns
    for fd in (out_w, err_w, in_r, exc_w):
        os.close(fd)
    # The exec-error pipe reaches EOF on a successful exec (or when the inline run closes fds).
    failure = b""
    while True:
        b = os.read(exc_r, 4096)
        if not b:
            break
        failure += b
    os.close(exc_r)

    open_fds = {out_r: KIND_OUT, err_r: KIND_ERR}
    pending = memoryview(stdin_bytes or b"")
    if in_w is not None:
        os.set_blocking(in_w, False)
        if not pending:
            os.close(in_w)
            in_w = None
    status = None
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    while open_fds or status is None:
        if status is None:
            try:
                got, st = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                got, st = pid, 0
            if got == pid:
                status = st
                # The run is over: whatever it left behind goes now, so the pipes reach EOF.
                kill_tree(os.getpid())
                continue
        rlist = list(open_fds) + [wake_r]
        wlist = [in_w] if in_w is not None else []
        try:
            r, w, _ = select.select(rlist, wlist, [], 0.5)
        except InterruptedError:
            continue
        for fd in r:
            if fd == wake_r:
                try:
                    os.read(wake_r, 512)
                except BlockingIOError:
                    pass
                continue
            data = os.read(fd, CHUNK)
            if not data:
                os.close(fd)
                del open_fds[fd]
                continue
            frame(rid, open_fds[fd], data)
        if w and in_w is not None:
            try:
                n = os.write(in_w, pending[:65536])
                pending = pending[n:]
            except (BrokenPipeError, BlockingIOError) as e:
                if isinstance(e, BrokenPipeError):
                    pending = memoryview(b"")
            if not pending:
                os.close(in_w)
                in_w = None
    # Reaped, pipes closed: drop any further descendants (there should be none) and report.
    kill_tree(os.getpid())
    result = {}
    if failure:
        result["failure"] = failure.decode("utf-8", "replace")
    if os.WIFSIGNALED(status):
        result["signal"] = os.WTERMSIG(status)
    else:
        result["exit_code"] = os.WEXITSTATUS(status)
    frame_json(rid, KIND_EXIT, result)
    os._exit(0)


# ---------------------------------------------------------------- the zygote (main loop)

def empty_tmp():
    # Runs share the sandbox's /tmp (a spawn gets a fresh one per run): empty it whenever the
    # session is idle, so a later run does not see an earlier run's files.
    import shutil

    try:
        entries = list(os.scandir("/tmp"))
    except OSError:
        return
    for e in entries:
        try:
            if e.is_dir(follow_symlinks=False):
                shutil.rmtree(e.path, ignore_errors=True)
            else:
                os.unlink(e.path)
        except OSError:
            pass


def main():
    set_dumpable(False)
    supervisors = {}  # pid -> run id
    by_run = {}  # run id -> pid
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    frame_json(0, KIND_READY, {"pid": os.getpid(), "python": sys.version.split()[0]})
    buf = b""
    stdin_open = True
    while stdin_open or supervisors:
        rlist = [wake_r] + ([0] if stdin_open else [])
        try:
            r, _, _ = select.select(rlist, [], [])
        except InterruptedError:
            continue
        if wake_r in r:
            try:
                os.read(wake_r, 512)
            except BlockingIOError:
                pass
            while True:
                try:
                    pid, _ = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                rid = supervisors.pop(pid, None)
                if rid is not None:
                    by_run.pop(rid, None)
                    # Normally the supervisor has reported already; this covers one that was killed.
                    frame_json(rid, KIND_EXIT, {"supervisor_gone": True})
                    if not supervisors:
                        empty_tmp()
        if 0 in r:
            data = os.read(0, 1 << 20)
            if not data:
                stdin_open = False
                for pid in list(supervisors):
                    kill_tree(pid)
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
                continue
            reqs, buf = take_requests(buf + data)
            for rid, req in reqs:
                if req.get("op") == "kill":
                    pid = by_run.get(rid)
                    if pid is not None:
                        kill_tree(pid)
                    continue
                if req.get("op") != "run":
                    continue
                try:
                    pid = os.fork()
                except OSError as e:
                    frame_json(rid, KIND_EXIT, {"failure": f"cannot start the process: {e.strerror}"})
                    continue
                if pid == 0:
                    try:
                        os.close(0)
                        os.close(wake_r)
                        os.close(wake_w)
                        signal.set_wakeup_fd(-1)
                        supervise(rid, req)
                    finally:
                        os._exit(0)
                supervisors[pid] = rid
                by_run[rid] = pid


if __name__ == "__main__":
    template_main() if TEMPLATE else main()
