"""Starting a child, shared by the executor agent (runs.py) and the E2B envd agent (envd.py): a
fresh session and process group, stdio on pipes, and an exec-error pipe so a failed exec (or a
failed set-up step) comes back to the parent as text instead of a silent exit 127."""
import os
import signal


def child_failed(exc_w, argv, e):
    """In a forked child that could not exec: says why on the exec-error pipe, then exits 127."""
    msg = f"{argv[0]}: {e.strerror}" if isinstance(e, OSError) else f"{type(e).__name__}: {e}"
    try:
        os.write(exc_w, msg.encode()[:4000])
    finally:
        os._exit(127)


class Child:
    """A started child: its pid, the parent's pipe ends, and why its exec failed (None if it ran)."""

    def __init__(self, pid, out_r, err_r, in_w, failure, exc_r=None):
        self.pid = pid
        self.out_r = out_r
        self.err_r = err_r
        self.in_w = in_w
        self.failure = failure
        # wait_exec=False: the exec-error pipe, for the caller to read (EOF: the exec happened).
        self.exc_r = exc_r


def spawn(argv, env, setup, stdin=False, default_signals=(signal.SIGPIPE, signal.SIGCHLD), wait_exec=True):
    """Forks; the child calls setup(started) (limits, user, cwd; it may call started() and run
    something in-process instead of exec), then execs argv. Raises OSError when fork fails.
    wait_exec=False returns at once with the exec-error pipe open (Child.exc_r): the parent need
    not wait for the child to be scheduled and exec before it answers."""
    out_r, out_w = os.pipe2(os.O_CLOEXEC)
    err_r, err_w = os.pipe2(os.O_CLOEXEC)
    exc_r, exc_w = os.pipe2(os.O_CLOEXEC)
    in_r = in_w = None
    if stdin:
        in_r, in_w = os.pipe2(os.O_CLOEXEC)
    try:
        pid = os.fork()
    except OSError:
        for fd in (out_r, out_w, err_r, err_w, exc_r, exc_w, in_r, in_w):
            if fd is not None:
                os.close(fd)
        raise
    if pid == 0:
        try:
            os.setsid()
            for s in default_signals:
                signal.signal(s, signal.SIG_DFL)
            os.dup2(in_r if in_r is not None else os.open("/dev/null", os.O_RDONLY), 0)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            setup(lambda: os.close(exc_w))
            os.execvpe(argv[0], argv, env)
        except BaseException as e:  # noqa: BLE001 - report anything to the parent
            child_failed(exc_w, argv, e)
    os.close(out_w)
    os.close(err_w)
    os.close(exc_w)
    if in_r is not None:
        os.close(in_r)
    if not wait_exec:
        return Child(pid, out_r, err_r, in_w, None, exc_r)
    # The exec-error pipe reaches EOF on a successful exec (close-on-exec) or started().
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
    failure = b"".join(chunks).decode("utf-8", errors="replace") if chunks else None
    return Child(pid, out_r, err_r, in_w, failure)
