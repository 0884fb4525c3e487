#!/usr/bin/env python3
"""envd agent: PID 1 of an E2B-compatible sandbox container (lib/service/e2b).

Node starts it as `python3 -u -c <bundle>` (so any image with python3 can host it, no rebuild): the
bundle (envdSource() in lib/sandbox/backends/docker.ts) installs the agent modules it shares with
agent.py (wire, proctable, procs, spawn) and then runs this file. It speaks newline-delimited JSON
over the container's attached stdin/stdout, like agent.py: every request {"id", "op", ...} gets
one reply {"id", "ok": true, ...} or {"id", "ok": false, "error", "code"}. Process output and exits
are events without an id:
  {"ev": "data", "pid", "fd": 1|2, "raw": N} + N bytes    {"ev": "end", "pid", "exit_code", "signal"}

Bytes travel raw, not as base64: a line with "raw": N is followed by exactly N bytes (a file
chunk of fs.write; an fs.read reply with "binary": true; process output).

It runs as root with a few capabilities (setuid/setgid/chown/dac_override/fowner/kill) so commands
run as the E2B user asked for ("user", home /home/user, or "root"); file operations run with that
user's filesystem uid (setfsuid), so permissions and ownership are the user's own.

Why PID 1: orphans (slime's `setsid … &`) are re-parented to it and reaped here, and a process in
the sandbox cannot kill it.
"""
import base64
import ctypes
import errno
import fcntl
import grp
import json
import os
import pwd
import select
import selectors
import signal
import stat
import struct
import sys
import termios
import time

import procs
import wire
from spawn import child_failed, spawn
from wire import close_fd, log, read_ready, sel, send, send_bytes, write_all

DEFAULT_USER = "user"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CHUNK = 1 << 16

running = {}  # pid -> Proc
libc = ctypes.CDLL(None, use_errno=True)
base_env = {}
# Not root: the local backend's single-user sandbox (lib/sandbox/backends/local-envd.ts): its one
# uid is `user`; no setuid, and every other user (root included) is refused by name.
SINGLE_USER = os.getuid() != 0
BYTES = object()  # the key of a reply's raw bytes (sent after its frame)


class Fail(Exception):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


# ---------------------------------------------------------------- users

def ensure_default_user():
    """The E2B base template has a `user` account with home /home/user; add it when the image lacks it."""
    try:
        pw = pwd.getpwnam(DEFAULT_USER)
    except KeyError:
        used = {p.pw_uid for p in pwd.getpwall()}
        used_g = {g.gr_gid for g in grp.getgrall()}
        uid = 1000
        while uid in used or uid in used_g:
            uid += 1
        with open("/etc/group", "a") as f:
            f.write(f"{DEFAULT_USER}:x:{uid}:\n")
        with open("/etc/passwd", "a") as f:
            f.write(f"{DEFAULT_USER}:x:{uid}:{uid}::/home/{DEFAULT_USER}:/bin/bash\n")
        if os.path.exists("/etc/shadow"):
            try:
                with open("/etc/shadow", "a") as f:
                    f.write(f"{DEFAULT_USER}:!:19000:0:99999:7:::\n")
            except OSError:
                pass
        pw = pwd.getpwnam(DEFAULT_USER)
    os.makedirs(pw.pw_dir, exist_ok=True)
    os.chown(pw.pw_dir, pw.pw_uid, pw.pw_gid)
    os.chmod(pw.pw_dir, 0o755)


def user_info(name):
    name = name or DEFAULT_USER
    if SINGLE_USER and name != DEFAULT_USER:
        raise Fail("EUSER", f"user '{name}' is not available: this sandbox runs on the playground's local (bwrap) backend, "
                            f"where everything runs as '{DEFAULT_USER}' (no root, no other accounts); use the Docker backend for root")
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise Fail("EUSER", f"user '{name}' does not exist in the sandbox")


class AsUser:
    """File operations with the user's filesystem uid/gid (thread-wide; this agent is single-threaded)."""

    def __init__(self, pw):
        self.pw = pw

    def __enter__(self):
        if SINGLE_USER:
            return self
        libc.setfsgid(self.pw.pw_gid)
        libc.setfsuid(self.pw.pw_uid)
        return self

    def __exit__(self, *a):
        if SINGLE_USER:
            return
        libc.setfsuid(0)
        libc.setfsgid(0)


def resolve(path, pw):
    path = path or ""
    if path.startswith("~/") or path == "~":
        path = pw.pw_dir + path[1:]
    if not path.startswith("/"):
        path = os.path.join(pw.pw_dir, path)
    return os.path.normpath(path)


def oserror(e, path):
    code = errno.errorcode.get(e.errno, "EIO") if e.errno else "EIO"
    return Fail(code, f"{path}: {e.strerror or e}")


# ---------------------------------------------------------------- processes

class Proc:
    def __init__(self, pid, req, fds, stdin_fd, pty_fd=None):
        self.pid = pid
        # A PTY process: one master fd carries its output ("fd": 3) and takes its input.
        self.pty_fd = pty_fd
        self.tag = req.get("tag")
        self.cmd = req.get("cmd")
        self.args = req.get("args") or []
        self.envs = req.get("envs") or {}
        self.cwd = req.get("cwd")
        self.open_fds = set(fds)
        self.out_fd = fds[0]
        # The exec-error pipe: its text (a failed exec) is the process's stderr, like a shell's.
        self.exc_fd = fds[2] if len(fds) > 2 else None
        self.stdin_fd = stdin_fd
        self.status = None
        self.drain_deadline = None
        self.done = False

    def exited(self, status):
        self.status = status
        # A background child may hold the pipes open forever; give the output 100 ms to drain.
        self.drain_deadline = time.monotonic() + 0.1
        self.maybe_finish()

    def maybe_finish(self):
        if self.status is None or self.done:
            return
        if self.open_fds and time.monotonic() < self.drain_deadline:
            return
        self.finish()

    def on_output(self, fd):
        data = read_ready(fd, CHUNK)
        if data is None:
            return
        if not data:
            self.open_fds.discard(fd)
            close_fd(fd)
            self.maybe_finish()
            return
        self.output(fd, data)

    def output(self, fd, data):
        if fd == self.exc_fd:
            send_bytes({"ev": "data", "pid": self.pid, "fd": 2}, data + b"\n")
        elif fd == self.pty_fd:
            send_bytes({"ev": "data", "pid": self.pid, "fd": 3}, data)
        else:
            send_bytes({"ev": "data", "pid": self.pid, "fd": 1 if fd == self.out_fd else 2}, data)

    def finish(self):
        if self.done:
            return
        self.done = True
        # What is already in the pipes is output, however late a busy loop gets to it (the drain
        # deadline may pass before the selector reports it). Non-blocking and bounded: a background
        # process that keeps the pipe open cannot hold the end back.
        for fd in sorted(self.open_fds, key=lambda f: f != self.exc_fd):
            for _ in range(64):
                data = read_ready(fd, CHUNK)
                if not data:
                    break
                self.output(fd, data)
            close_fd(fd)
        self.open_fds.clear()
        self.pty_fd = None
        if self.stdin_fd is not None:
            close_fd(self.stdin_fd)
            self.stdin_fd = None
        st = self.status
        if os.WIFSIGNALED(st):
            sig = os.WTERMSIG(st)
            send({"ev": "end", "pid": self.pid, "exit_code": -sig, "signal": signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)})
        else:
            send({"ev": "end", "pid": self.pid, "exit_code": os.WEXITSTATUS(st), "signal": None})
        running.pop(self.pid, None)


def start_proc(req):
    pw = user_info(req.get("user"))
    cmd = req.get("cmd")
    args = req.get("args") or []
    if not isinstance(cmd, str) or not cmd or not all(isinstance(a, str) for a in args):
        raise Fail("EINVAL", "cmd must be a non-empty string and args a list of strings")
    cwd = resolve(req.get("cwd") or pw.pw_dir, pw)
    if not os.path.isdir(cwd):
        raise Fail("ENOENT", f"cwd '{cwd}' does not exist")
    # The image's environment (a task image's PATH, say), the sandbox's envVars, then the user's own.
    env = {k: v for k, v in os.environ.items() if k != "PLAYGROUND_ENVD"}
    env.setdefault("PATH", PATH)
    env.update(base_env)
    env.update({"HOME": pw.pw_dir, "USER": pw.pw_name, "LOGNAME": pw.pw_name,
                "SHELL": pw.pw_shell or "/bin/bash", "PWD": cwd})
    env.setdefault("LANG", "C.UTF-8")
    for k, v in (req.get("envs") or {}).items():
        env[str(k)] = str(v)
    try:
        groups = os.getgrouplist(pw.pw_name, pw.pw_gid)
    except OSError:
        groups = [pw.pw_gid]

    def become_user(_started):
        signal.set_wakeup_fd(-1)
        if not SINGLE_USER:
            os.setgroups(groups)
            os.setgid(pw.pw_gid)
            os.setuid(pw.pw_uid)
        os.chdir(cwd)

    pty_size = req.get("pty")
    try:
        if isinstance(pty_size, dict):
            env.setdefault("TERM", "xterm-256color")
            pid, master, exc_r = spawn_pty([cmd] + args, env, become_user, pw, int(pty_size.get("cols") or 80), int(pty_size.get("rows") or 24))
            proc = Proc(pid, {**req, "cwd": cwd}, (master, exc_r), None, pty_fd=master)
            fds = (master, exc_r)
        else:
            # Answered before the child has exec'd (wait_exec=False): a failed exec arrives as stderr.
            child = spawn([cmd] + args, env, become_user, stdin=bool(req.get("stdin")),
                          default_signals=(signal.SIGPIPE, signal.SIGCHLD, signal.SIGTERM, signal.SIGINT), wait_exec=False)
            pid = child.pid
            proc = Proc(pid, {**req, "cwd": cwd}, (child.out_r, child.err_r, child.exc_r), child.in_w)
            fds = (child.out_r, child.err_r, child.exc_r)
    except OSError as e:
        raise Fail("EAGAIN", f"cannot start the process: {e.strerror} (the sandbox's process limit may be exhausted)")
    running[pid] = proc
    procs.watch(pid, proc.exited)
    for fd in fds:
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ, lambda fd: proc.on_output(fd))
    return pid


def set_winsize(fd, cols, rows):
    cols = max(1, min(int(cols), 10000))
    rows = max(1, min(int(rows), 10000))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def spawn_pty(argv, env, setup, pw, cols, rows):
    """A child on a new pseudo-terminal (a session leader with the terminal as its controlling tty,
    stdio on it), like a login terminal. Returns (pid, master fd, exec-error pipe)."""
    master, slave = os.openpty()
    set_winsize(master, cols, rows)
    exc_r, exc_w = os.pipe2(os.O_CLOEXEC)
    try:
        pid = os.fork()
    except OSError:
        for fd in (master, slave, exc_r, exc_w):
            os.close(fd)
        raise
    if pid == 0:
        try:
            os.close(master)
            os.setsid()
            for s in (signal.SIGPIPE, signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                signal.signal(s, signal.SIG_DFL)
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            if not SINGLE_USER:
                # The terminal is the user's, as a login gives it (mesg, tty-aware programs).
                os.fchown(slave, pw.pw_uid, -1)
            for n in (0, 1, 2):
                os.dup2(slave, n)
            if slave > 2:
                os.close(slave)
            setup(lambda: os.close(exc_w))
            os.execvpe(argv[0], argv, env)
        except BaseException as e:  # noqa: BLE001 - report anything to the parent
            child_failed(exc_w, argv, e)
    os.close(slave)
    os.close(exc_w)
    return pid, master, exc_r


def write_input(fd, data, seconds=10.0):
    """Input for a process (its stdin pipe or its terminal), with a deadline: a process that never
    reads cannot hold this single-threaded agent (and every other call of the sandbox) forever."""
    view = memoryview(data)
    deadline = time.monotonic() + seconds
    blocking = os.get_blocking(fd)
    os.set_blocking(fd, False)
    try:
        while view:
            try:
                n = os.write(fd, view)
                view = view[n:]
                continue
            except (BlockingIOError, InterruptedError):
                pass
            left = deadline - time.monotonic()
            if left <= 0:
                raise Fail("EAGAIN", f"the process did not read its input within {seconds:.0f} s ({len(view)} bytes not sent)")
            select.select([], [fd], [], left)
    finally:
        os.set_blocking(fd, blocking)


def find_proc(req):
    pid = req.get("pid")
    tag = req.get("tag")
    for p in running.values():
        if (pid is not None and p.pid == pid) or (tag is not None and p.tag == tag):
            if p.status is None:
                return p
    raise Fail("ENOPROC", f"process with {'pid ' + str(pid) if pid is not None else 'tag ' + str(tag)} not found")


def signal_proc(req):
    p = find_proc(req)
    sig = int(req.get("signal") or signal.SIGKILL)
    # The process group: `bash -c` and what it started go together (a `setsid` child does not).
    if sig == signal.SIGKILL:
        procs.sweep_group(p.pid)
        return {}
    try:
        os.killpg(p.pid, sig)
    except ProcessLookupError:
        pass
    except OSError:
        try:
            os.kill(p.pid, sig)
        except OSError:
            pass
    return {}


def kill_all():
    """Every process but us (sandbox kill on a shared container is never needed, but tests use it)."""
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != os.getpid():
            procs.kill_quiet(int(name))


# ---------------------------------------------------------------- files

def entry(path, st=None, lst=None):
    lst = lst or os.lstat(path)
    target = None
    if stat.S_ISLNK(lst.st_mode):
        try:
            target = os.readlink(path)
            st = os.stat(path)
        except OSError:
            st = lst
    else:
        st = lst
    kind = "dir" if stat.S_ISDIR(st.st_mode) else "file" if stat.S_ISREG(st.st_mode) else "other"
    try:
        owner = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        owner = str(st.st_uid)
    try:
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        group = str(st.st_gid)
    return {"name": os.path.basename(path) or "/", "path": path, "type": kind, "size": st.st_size,
            "mode": stat.S_IMODE(st.st_mode), "permissions": stat.filemode(st.st_mode), "owner": owner,
            "group": group, "mtime": st.st_mtime, "symlink_target": target}


def makedirs_owned(path):
    """Creates missing parents (with the current fsuid, so they belong to the user)."""
    missing = []
    p = path
    while p and p != "/" and not os.path.lexists(p):
        missing.append(p)
        p = os.path.dirname(p)
    for d in reversed(missing):
        try:
            os.mkdir(d, 0o755)
        except FileExistsError:
            pass
    return bool(missing)


def open_for_write(path, append):
    """The file, truncated or for appending, with missing parents made (as the current fsuid)."""
    if os.path.isdir(path):
        raise Fail("EISDIR", f"path '{path}' is a directory")
    makedirs_owned(os.path.dirname(path))
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC) | os.O_CLOEXEC
    return os.open(path, flags, 0o644)


class WriteSink:
    """An fs.write whose bytes follow its frame raw: the file is opened (as the user) when the
    frame arrives and the bytes go straight into it. A failure is kept, the rest of the bytes are
    drained, and the reply says what went wrong."""

    def __init__(self, req):
        self.req = req
        self.fd = None
        self.error = None
        self.path = str(req.get("path"))
        try:
            self.pw = user_info(req.get("user"))
            self.path = resolve(req.get("path"), self.pw)
            with AsUser(self.pw):
                self.fd = open_for_write(self.path, req.get("append"))
        except Fail as e:
            self.error = e
        except OSError as e:
            self.error = oserror(e, self.path)

    def feed(self, data):
        if self.fd is None:
            return
        try:
            write_all(self.fd, data)
        except OSError as e:
            self.error = oserror(e, self.path)
            os.close(self.fd)
            self.fd = None

    def done(self):
        rid = self.req.get("id")
        if self.fd is not None:
            os.close(self.fd)
        if self.error is not None:
            send({"id": rid, "ok": False, "error": str(self.error), "code": self.error.code})
            return
        try:
            with AsUser(self.pw):
                res = {"entry": entry(self.path)} if self.req.get("last", True) else {}
        except OSError as e:
            send({"id": rid, "ok": False, "error": str(e), "code": errno.errorcode.get(e.errno or 0, "EIO")})
            return
        send({"id": rid, "ok": True, **res})


def fs_op(op, req):
    pw = user_info(req.get("user"))
    path = resolve(req.get("path"), pw)
    with AsUser(pw):
        try:
            if op == "fs.stat":
                return {"entry": entry(path)}
            if op == "fs.read":
                offset = int(req.get("offset") or 0)
                length = int(req.get("length") or (1 << 20))
                if os.path.isdir(path):
                    raise Fail("EISDIR", f"path '{path}' is a directory")
                with open(path, "rb") as f:
                    size = os.fstat(f.fileno()).st_size
                    f.seek(offset)
                    data = f.read(length)
                res = {"eof": len(data) < length, "size": size}
                if req.get("binary"):
                    return {**res, BYTES: data}
                return {**res, "data": base64.b64encode(data).decode()}
            if op == "fs.write":
                fd = open_for_write(path, req.get("append"))
                try:
                    write_all(fd, base64.b64decode(req.get("data") or ""))
                finally:
                    os.close(fd)
                return {"entry": entry(path)} if req.get("last", True) else {}
            if op == "fs.list":
                depth = max(1, int(req.get("depth") or 1))
                if not os.path.isdir(path):
                    raise Fail("ENOTDIR" if os.path.exists(path) else "ENOENT", f"path '{path}' is not a directory")
                out = []

                def walk(d, level):
                    for name in sorted(os.listdir(d)):
                        p = os.path.join(d, name)
                        try:
                            e = entry(p)
                        except OSError:
                            continue
                        out.append(e)
                        if e["type"] == "dir" and e["symlink_target"] is None and level < depth:
                            walk(p, level + 1)
                walk(path, 1)
                return {"entries": out}
            if op == "fs.mkdir":
                if os.path.lexists(path):
                    raise Fail("EEXIST", f"path '{path}' already exists")
                makedirs_owned(path)
                return {"entry": entry(path)}
            if op == "fs.remove":
                if os.path.isdir(path) and not os.path.islink(path):
                    import shutil
                    shutil.rmtree(path)
                else:
                    os.unlink(path)
                return {}
            if op == "fs.move":
                dest = resolve(req.get("dest"), pw)
                makedirs_owned(os.path.dirname(dest))
                os.rename(path, dest)
                return {"entry": entry(dest)}
        except Fail:
            raise
        except OSError as e:
            raise oserror(e, path)
    raise Fail("EINVAL", f"unknown op {op}")


# ---------------------------------------------------------------- watching directories

# inotify through ctypes (no module to install: any image with python3 hosts envd). One inotify
# instance per watcher, so stopping one is closing its fd. Event names are relative to the watched
# directory, as envd's (fsnotify) are.
IN_MODIFY, IN_ATTRIB, IN_MOVED_FROM, IN_MOVED_TO = 0x2, 0x4, 0x40, 0x80
IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_MOVE_SELF = 0x100, 0x200, 0x400, 0x800
IN_Q_OVERFLOW, IN_IGNORED, IN_ONLYDIR, IN_ISDIR = 0x4000, 0x8000, 0x1000000, 0x40000000
WATCH_MASK = IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF
# envd's EventType: CREATE 1, WRITE 2, REMOVE 3, RENAME 4, CHMOD 5.
EVENT_TYPES = ((IN_CREATE | IN_MOVED_TO, 1), (IN_MODIFY, 2), (IN_DELETE, 3), (IN_MOVED_FROM, 4), (IN_ATTRIB, 5))
MAX_WATCHES = 8192
watchers = {}  # wid -> Watcher
_next_wid = [1]


class Watcher:
    def __init__(self, root, recursive, pw):
        self.wid = _next_wid[0]
        _next_wid[0] += 1
        self.root = root
        self.recursive = recursive
        self.pw = pw
        self.dirs = {}  # wd -> path relative to root ("" for root)
        self.fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            e = ctypes.get_errno()
            raise Fail(errno.errorcode.get(e, "EIO"), f"cannot watch '{root}': {os.strerror(e)} (inotify)")

    @staticmethod
    def start(req):
        pw = user_info(req.get("user"))
        root = resolve(req.get("path"), pw)
        with AsUser(pw):
            if not os.path.exists(root):
                raise Fail("ENOENT", f"path '{root}' does not exist")
            if not os.path.isdir(root):
                raise Fail("ENOTDIR", f"path '{root}' is not a directory")
            w = Watcher(root, bool(req.get("recursive")), pw)
            try:
                w.add(root, "", fail=True)
            except Fail:
                os.close(w.fd)
                raise
        watchers[w.wid] = w
        sel.register(w.fd, selectors.EVENT_READ, lambda fd: w.on_ready())
        return w.wid

    def add(self, path, rel, fail=False, scan=False):
        """Watches a directory (and, recursive, the ones under it), as the user. scan: a directory
        that appeared while watched; what was made in it before its watch was in place is reported
        as created (a `mkdir -p a/b && touch a/b/c` is faster than any watcher)."""
        if len(self.dirs) >= MAX_WATCHES:
            return
        wd = libc.inotify_add_watch(self.fd, os.fsencode(path), WATCH_MASK | IN_ONLYDIR)
        if wd < 0:
            if fail:
                e = ctypes.get_errno()
                raise Fail(errno.errorcode.get(e, "EIO"), f"cannot watch '{path}': {os.strerror(e)}")
            return
        self.dirs[wd] = rel
        if not self.recursive:
            return
        try:
            names = os.listdir(path)
        except OSError:
            return
        for name in sorted(names):
            p = os.path.join(path, name)
            sub = os.path.join(rel, name) if rel else name
            if scan:
                send({"ev": "watch", "wid": self.wid, "name": sub, "type": 1})
            if os.path.isdir(p) and not os.path.islink(p):
                self.add(p, sub, scan=scan)

    def on_ready(self):
        try:
            buf = os.read(self.fd, 64 * 1024)
        except BlockingIOError:
            return
        except OSError:
            buf = b""
        if not buf:
            return self.close("the watch failed")
        off = 0
        while off + 16 <= len(buf):
            wd, mask, _cookie, n = struct.unpack_from("iIII", buf, off)
            name = os.fsdecode(buf[off + 16:off + 16 + n].rstrip(b"\0"))
            off += 16 + n
            if mask & IN_Q_OVERFLOW:
                log(f"watch {self.wid}: inotify queue overflowed; events were lost")
                continue
            rel = self.dirs.get(wd)
            if rel is None:
                continue
            if mask & IN_IGNORED:
                self.dirs.pop(wd, None)
                if rel == "":
                    return self.close("the watched directory was removed")
                continue
            if mask & (IN_DELETE_SELF | IN_MOVE_SELF):
                if rel == "":
                    send({"ev": "watch", "wid": self.wid, "name": "", "type": 3 if mask & IN_DELETE_SELF else 4})
                continue
            path = os.path.join(rel, name) if rel else name
            for bits, kind in EVENT_TYPES:
                if mask & bits:
                    send({"ev": "watch", "wid": self.wid, "name": path, "type": kind})
            if self.recursive and mask & IN_ISDIR and mask & (IN_CREATE | IN_MOVED_TO):
                with AsUser(self.pw):
                    self.add(os.path.join(self.root, path), path, scan=True)

    def close(self, reason):
        if watchers.pop(self.wid, None) is None:
            return
        close_fd(self.fd)
        # A stop asked for by the host needs no word back; a watch that ended by itself says why.
        if reason is not None:
            send({"ev": "watch_end", "wid": self.wid, "reason": reason})


# ---------------------------------------------------------------- loop

def handle(req):
    rid = req.get("id")
    op = req.get("op")
    try:
        if op == "hello":
            res = {"pid": os.getpid(), "uid": os.getuid()}
        elif op == "proc.start":
            res = {"pid": start_proc(req)}
        elif op == "proc.signal":
            res = signal_proc(req)
        elif op == "proc.input":
            p = find_proc(req)
            fd = p.pty_fd if p.pty_fd is not None else p.stdin_fd
            if fd is None:
                raise Fail("ENOSTDIN", "the process has no open stdin (start it with stdin: true)")
            write_input(fd, base64.b64decode(req.get("data") or ""))
            res = {}
        elif op == "proc.resize":
            p = find_proc(req)
            if p.pty_fd is None:
                raise Fail("ENOTTY", "the process has no terminal (start it with pty)")
            set_winsize(p.pty_fd, req.get("cols") or 80, req.get("rows") or 24)
            res = {}
        elif op == "watch.start":
            res = {"wid": Watcher.start(req)}
        elif op == "watch.stop":
            w = watchers.get(req.get("wid"))
            if w is not None:
                w.close(None)
            res = {}
        elif op == "proc.close_stdin":
            p = find_proc(req)
            if p.stdin_fd is not None:
                close_fd(p.stdin_fd)
                p.stdin_fd = None
            res = {}
        elif op == "proc.list":
            res = {"processes": [{"pid": p.pid, "tag": p.tag, "cmd": p.cmd, "args": p.args, "envs": p.envs, "cwd": p.cwd}
                                 for p in running.values() if p.status is None]}
        elif op == "proc.get":
            res = {"pid": find_proc(req).pid}
        elif op == "env":
            base_env.clear()
            base_env.update({str(k): str(v) for k, v in (req.get("envs") or {}).items()})
            res = {}
        elif op == "kill_all":
            kill_all()
            res = {}
        elif op.startswith("fs."):
            res = fs_op(op, req)
        else:
            raise Fail("EINVAL", f"unknown op {op!r}")
        data = res.pop(BYTES, None)
        if data is None:
            send({"id": rid, "ok": True, **res})
        else:
            send_bytes({"id": rid, "ok": True, **res}, data)
    except Fail as e:
        send({"id": rid, "ok": False, "error": str(e), "code": e.code})
    except OSError as e:
        send({"id": rid, "ok": False, "error": str(e), "code": errno.errorcode.get(e.errno or 0, "EIO")})
    except Exception as e:  # noqa: BLE001 - a bad request must not kill the sandbox
        send({"id": rid, "ok": False, "error": f"{type(e).__name__}: {e}", "code": "EINVAL"})


class Requests:
    """The host's frames on stdin: JSON lines, each maybe followed by raw bytes ("raw": N)."""

    def __init__(self):
        self.buf = bytearray()
        self.sink = None  # a WriteSink taking the next `need` bytes
        self.need = 0

    def feed(self, data):
        pos, end = 0, len(data)
        while pos < end:
            if self.need:
                take = min(self.need, end - pos)
                self.sink.feed(memoryview(data)[pos:pos + take])
                pos += take
                self.need -= take
                if not self.need:
                    sink, self.sink = self.sink, None
                    sink.done()
                continue
            i = data.find(b"\n", pos)
            if i < 0:
                self.buf += memoryview(data)[pos:]
                return
            line = bytes(self.buf) + data[pos:i] if self.buf else data[pos:i]
            self.buf.clear()
            pos = i + 1
            self.line(line)

    def line(self, line):
        if not line.strip():
            return
        try:
            req = json.loads(line)
        except ValueError as e:
            send({"id": None, "ok": False, "error": f"bad frame: {e}"})
            return
        if not isinstance(req, dict):
            return
        raw = req.get("raw")
        if isinstance(raw, int) and raw > 0:
            self.sink = WriteSink(req) if req.get("op") == "fs.write" else Drain(req)
            self.need = raw
        elif isinstance(raw, int) and raw == 0 and req.get("op") == "fs.write":
            WriteSink(req).done()
        else:
            handle(req)


class Drain:
    """Raw bytes after a frame that takes none: dropped, then the frame is refused."""

    def __init__(self, req):
        self.req = req

    def feed(self, data):
        pass

    def done(self):
        send({"id": self.req.get("id"), "ok": False, "error": f"{self.req.get('op')!r} takes no raw bytes", "code": "EINVAL"})


def connect_channel():
    """The server's direct socket (lib/sandbox/backends/envd-channel.ts), when it offered one: frames
    then go both ways on it instead of the attach stream (stdin/stdout through dockerd and the shim).
    None when there is none or it cannot be reached (gVisor): stdin/stdout serve."""
    import socket
    path = os.environ.pop("PLAYGROUND_ENVD_SOCK", None)
    key = os.environ.pop("PLAYGROUND_ENVD_KEY", None)
    if not path or not key:
        return None
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        s.connect(path)
        s.sendall(key.encode() + b"\n")
    except OSError as e:
        log(f"no direct channel ({e}); using stdin/stdout")
        return None
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    wire.out_fd = s.fileno()
    return s


def main():
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if not SINGLE_USER:
            ensure_default_user()
    except OSError as e:
        log(f"cannot create the default user: {e}")
    in_fd = sys.stdin.fileno()
    os.set_blocking(in_fd, False)
    requests = Requests()
    channel = connect_channel()

    def on_stdin(fd):
        data = read_ready(fd, 1 << 20)
        if data is None:
            return
        if not data:
            # The attach stream's stdin is the lifeline even when requests come on the channel.
            log(f"{'channel' if channel is not None and fd == channel.fileno() else 'stdin'} closed; exiting")
            kill_all()
            sys.exit(0)
        if channel is not None and fd == in_fd:
            return  # requests come on the channel; stdin only says when to go
        requests.feed(data)

    if channel is not None:
        sel.register(channel.fileno(), selectors.EVENT_READ, on_stdin)

    def on_wake(fd):
        while read_ready(fd, 4096):
            pass

    sel.register(in_fd, selectors.EVENT_READ, on_stdin)
    sel.register(wake_r, selectors.EVENT_READ, on_wake)
    send({"id": None, "ok": True, "ready": True})
    while True:
        now = time.monotonic()
        timeout = None
        for p in list(running.values()):
            if p.status is not None and not p.done:
                if now >= p.drain_deadline:
                    p.finish()
                else:
                    t = p.drain_deadline - now
                    timeout = t if timeout is None else min(timeout, t)
        for key, _ in sel.select(timeout):
            key.data(key.fd)
        procs.reap()


if __name__ == "__main__":
    main()
