"""The nb op: relays lines to the notebook driver (nbdriver.py), one per container, started on
first use. Its answers are relayed verbatim; it answers with the request ids we give it."""
import json
import os
import selectors
import signal
import sys

import procs
from fsops import WORKDIR
from rlimits import oom_prefer
from runs import child_env
from wire import close_fd, read_ready, sel, send, send_raw, take_lines, write_all

DRIVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nbdriver.py")

_driver = None  # Driver


def relay(rid, msg):
    global _driver
    if _driver is None:
        _driver = Driver()
    _driver.send(rid, msg)


class Driver:
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
        # The driver and its kernel survive idle sweeps; its exit is reported to us.
        procs.protect(pid)
        procs.watch(pid, self.exited)
        os.set_blocking(out_r, False)
        sel.register(out_r, selectors.EVENT_READ, self.on_readable)

    def send(self, rid, msg):
        self.pending.add(rid)
        write_all(self.in_fd, (json.dumps({**msg, "id": rid}) + "\n").encode())

    def on_readable(self, fd):
        data = read_ready(fd, 1 << 20)
        if data is None:
            return
        if not data:
            close_fd(fd)
            return
        self.buf += data
        for line in take_lines(self.buf):
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            self.pending.discard(msg.get("id"))
            send_raw(line + b"\n")

    def exited(self, status):
        global _driver
        procs.unprotect(self.pid)
        close_fd(self.in_fd)
        close_fd(self.out_fd)
        for rid in self.pending:
            send({"id": rid, "ok": False, "error": "The notebook driver exited (the kernel was killed); its state is lost.", "code": "driver_exited"})
        self.pending.clear()
        if _driver is self:
            _driver = None
