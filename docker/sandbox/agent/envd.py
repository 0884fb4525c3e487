#!/usr/bin/env python3
"""envd agent: PID 1 of an E2B-compatible sandbox container (lib/service/e2b).

Node starts it as `python3 -u -c <this file>` (so any image with python3 can host it, no rebuild)
and speaks newline-delimited JSON over the container's attached stdin/stdout, like agent.py:
every request {"id", "op", ...} gets one reply {"id", "ok": true, ...} or {"id", "ok": false,
"error", "code"}. Process output and exits are events without an id:
  {"ev": "data", "pid", "fd": 1|2, "b": <base64>}    {"ev": "end", "pid", "exit_code", "signal"}

It runs as root with a few capabilities (setuid/setgid/chown/dac_override/fowner/kill) so commands
run as the E2B user asked for ("user", home /home/user, or "root"); file operations run with that
user's filesystem uid (setfsuid), so permissions and ownership are the user's own.

Why PID 1: orphans (slime's `setsid … &`) are re-parented to it and reaped here, and a process in
the sandbox cannot kill it.
"""
import base64
import ctypes
import errno
import grp
import json
import os
import pwd
import selectors
import signal
import stat
import sys
import time

DEFAULT_USER = "user"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CHUNK = 1 << 16

sel = selectors.DefaultSelector()
out_fd = sys.stdout.fileno()
procs = {}  # pid -> Proc
libc = ctypes.CDLL(None, use_errno=True)
base_env = {}


def log(*a):
    print("[envd]", *a, file=sys.stderr, flush=True)


def send(obj):
    data = (json.dumps(obj, separators=(",", ":")) + "\n").encode()
    view = memoryview(data)
    while view:
        try:
            n = os.write(out_fd, view)
        except InterruptedError:
            continue
        except BlockingIOError:
            time.sleep(0.001)
            continue
        view = view[n:]


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
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise Fail("EUSER", f"user '{name}' does not exist in the sandbox")


class AsUser:
    """File operations with the user's filesystem uid/gid (thread-wide; this agent is single-threaded)."""

    def __init__(self, pw):
        self.pw = pw

    def __enter__(self):
        libc.setfsgid(self.pw.pw_gid)
        libc.setfsuid(self.pw.pw_uid)
        return self

    def __exit__(self, *a):
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
    def __init__(self, pid, req, fds, stdin_fd):
        self.pid = pid
        self.tag = req.get("tag")
        self.cmd = req.get("cmd")
        self.args = req.get("args") or []
        self.envs = req.get("envs") or {}
        self.cwd = req.get("cwd")
        self.open_fds = set(fds)
        self.stdin_fd = stdin_fd
        self.status = None
        self.drain_deadline = None
        self.done = False

    def finish(self):
        if self.done:
            return
        self.done = True
        for fd in list(self.open_fds):
            close_out(self, fd)
        if self.stdin_fd is not None:
            try:
                os.close(self.stdin_fd)
            except OSError:
                pass
            self.stdin_fd = None
        st = self.status
        if os.WIFSIGNALED(st):
            sig = os.WTERMSIG(st)
            send({"ev": "end", "pid": self.pid, "exit_code": -sig, "signal": signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)})
        else:
            send({"ev": "end", "pid": self.pid, "exit_code": os.WEXITSTATUS(st), "signal": None})
        procs.pop(self.pid, None)


def close_out(proc, fd):
    if fd in proc.open_fds:
        proc.open_fds.discard(fd)
        try:
            sel.unregister(fd)
        except (KeyError, ValueError):
            pass
        os.close(fd)


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
    out_r, out_w = os.pipe2(os.O_CLOEXEC)
    err_r, err_w = os.pipe2(os.O_CLOEXEC)
    exc_r, exc_w = os.pipe2(os.O_CLOEXEC)
    in_r = in_w = None
    if req.get("stdin"):
        in_r, in_w = os.pipe2(os.O_CLOEXEC)
    try:
        groups = os.getgrouplist(pw.pw_name, pw.pw_gid)
    except OSError:
        groups = [pw.pw_gid]
    try:
        pid = os.fork()
    except OSError as e:
        for fd in (out_r, out_w, err_r, err_w, exc_r, exc_w, in_r, in_w):
            if fd is not None:
                os.close(fd)
        raise Fail("EAGAIN", f"cannot start the process: {e.strerror} (the sandbox's process limit may be exhausted)")
    if pid == 0:
        try:
            os.setsid()
            for s in (signal.SIGPIPE, signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
                signal.signal(s, signal.SIG_DFL)
            signal.set_wakeup_fd(-1)
            os.dup2(in_r if in_r is not None else os.open("/dev/null", os.O_RDONLY), 0)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            os.setgroups(groups)
            os.setgid(pw.pw_gid)
            os.setuid(pw.pw_uid)
            os.chdir(cwd)
            os.execvpe(cmd, [cmd] + args, env)
        except BaseException as e:  # noqa: BLE001 - report anything to the parent
            msg = f"{cmd}: {e.strerror}" if isinstance(e, OSError) else f"{type(e).__name__}: {e}"
            try:
                os.write(exc_w, msg.encode()[:4000])
            finally:
                os._exit(127)
    os.close(out_w)
    os.close(err_w)
    os.close(exc_w)
    if in_r is not None:
        os.close(in_r)
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
    proc = Proc(pid, {**req, "cwd": cwd}, (out_r, err_r), in_w)
    procs[pid] = proc
    for fd, n in ((out_r, 1), (err_r, 2)):
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ, ("out", proc, n))
    if chunks:
        # exec failed: the child exits 127; say why on stderr like a shell would.
        send({"ev": "data", "pid": pid, "fd": 2, "b": base64.b64encode(b"".join(chunks) + b"\n").decode()})
    return pid


def on_output(proc, n, fd):
    try:
        data = os.read(fd, CHUNK)
    except BlockingIOError:
        return
    except OSError:
        data = b""
    if not data:
        close_out(proc, fd)
        maybe_finish(proc)
        return
    send({"ev": "data", "pid": proc.pid, "fd": n, "b": base64.b64encode(data).decode()})


def maybe_finish(proc):
    if proc.status is None or proc.done:
        return
    if proc.open_fds and proc.drain_deadline is not None and time.monotonic() < proc.drain_deadline:
        return
    proc.finish()


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
        proc = procs.get(pid)
        if proc is not None and proc.status is None:
            proc.status = status
            # A background child may hold the pipes open forever; give the output 100 ms to drain.
            proc.drain_deadline = time.monotonic() + 0.1
            maybe_finish(proc)


def find_proc(req):
    pid = req.get("pid")
    tag = req.get("tag")
    for p in procs.values():
        if (pid is not None and p.pid == pid) or (tag is not None and p.tag == tag):
            if p.status is None:
                return p
    raise Fail("ENOPROC", f"process with {'pid ' + str(pid) if pid is not None else 'tag ' + str(tag)} not found")


def signal_proc(req):
    p = find_proc(req)
    sig = int(req.get("signal") or signal.SIGKILL)
    # The process group: `bash -c` and what it started go together (a `setsid` child does not).
    # SIGKILL goes round several times: a member that forks while the signal is delivered (a fork
    # bomb) leaves a child the first round missed. Bounded, since a zombie leader keeps the group.
    for _ in range(50 if sig == signal.SIGKILL else 1):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            break
        except OSError:
            try:
                os.kill(p.pid, sig)
            except OSError:
                pass
            break
        if sig == signal.SIGKILL:
            time.sleep(0.002)
    return {}


def kill_all():
    """Every process but us (sandbox kill on a shared container is never needed, but tests use it)."""
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != os.getpid():
            try:
                os.kill(int(name), signal.SIGKILL)
            except OSError:
                pass


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
                return {"data": base64.b64encode(data).decode(), "eof": len(data) < length, "size": size}
            if op == "fs.write":
                data = base64.b64decode(req.get("data") or "")
                if os.path.isdir(path):
                    raise Fail("EISDIR", f"path '{path}' is a directory")
                makedirs_owned(os.path.dirname(path))
                flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if req.get("append") else os.O_TRUNC) | os.O_CLOEXEC
                fd = os.open(path, flags, 0o644)
                try:
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view):]
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
            if p.stdin_fd is None:
                raise Fail("ENOSTDIN", "the process has no open stdin (start it with stdin: true)")
            data = base64.b64decode(req.get("data") or "")
            os.set_blocking(p.stdin_fd, True)
            view = memoryview(data)
            while view:
                view = view[os.write(p.stdin_fd, view):]
            res = {}
        elif op == "proc.close_stdin":
            p = find_proc(req)
            if p.stdin_fd is not None:
                os.close(p.stdin_fd)
                p.stdin_fd = None
            res = {}
        elif op == "proc.list":
            res = {"processes": [{"pid": p.pid, "tag": p.tag, "cmd": p.cmd, "args": p.args, "envs": p.envs, "cwd": p.cwd}
                                 for p in procs.values() if p.status is None]}
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
        send({"id": rid, "ok": True, **res})
    except Fail as e:
        send({"id": rid, "ok": False, "error": str(e), "code": e.code})
    except OSError as e:
        send({"id": rid, "ok": False, "error": str(e), "code": errno.errorcode.get(e.errno or 0, "EIO")})
    except Exception as e:  # noqa: BLE001 - a bad request must not kill the sandbox
        send({"id": rid, "ok": False, "error": f"{type(e).__name__}: {e}", "code": "EINVAL"})


def main():
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        ensure_default_user()
    except OSError as e:
        log(f"cannot create the default user: {e}")
    in_fd = sys.stdin.fileno()
    os.set_blocking(in_fd, False)
    sel.register(in_fd, selectors.EVENT_READ, ("stdin", None, None))
    sel.register(wake_r, selectors.EVENT_READ, ("wake", None, None))
    inbuf = bytearray()
    send({"id": None, "ok": True, "ready": True})
    while True:
        now = time.monotonic()
        timeout = None
        for p in list(procs.values()):
            if p.status is not None and p.drain_deadline is not None:
                if now >= p.drain_deadline:
                    p.finish()
                else:
                    t = p.drain_deadline - now
                    timeout = t if timeout is None else min(timeout, t)
        for key, _ in sel.select(timeout):
            kind, proc, n = key.data
            if kind == "stdin":
                try:
                    data = os.read(in_fd, 1 << 20)
                except BlockingIOError:
                    continue
                if not data:
                    log("stdin closed; exiting")
                    kill_all()
                    return
                # Only the new bytes are searched: a file chunk is one multi-megabyte line that
                # arrives in pipe-sized reads (searching the whole buffer each time is quadratic).
                scan = len(inbuf)
                inbuf += data
                while True:
                    i = inbuf.find(b"\n", scan)
                    if i < 0:
                        break
                    line = bytes(inbuf[:i])
                    del inbuf[:i + 1]
                    scan = 0
                    if not line.strip():
                        continue
                    try:
                        req = json.loads(line)
                    except ValueError as e:
                        send({"id": None, "ok": False, "error": f"bad frame: {e}"})
                        continue
                    if isinstance(req, dict):
                        handle(req)
            elif kind == "wake":
                try:
                    while os.read(wake_r, 4096):
                        pass
                except BlockingIOError:
                    pass
                reap()
            elif kind == "out":
                on_output(proc, n, key.fd)
        reap()


if __name__ == "__main__":
    main()
