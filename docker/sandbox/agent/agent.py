#!/usr/bin/env python3
"""Executor agent: the main process (PID 1) of every sandbox container.

It speaks newline-delimited JSON over the container's attached stdin/stdout, so a run costs one
fork/exec inside the container instead of a `docker exec` round trip through the daemon.

Requests carry an "id"; every request gets exactly one response with the same id.
  {"op": "hello"}                                  -> languages, pid, uid
  {"op": "run", "argv", "stdin"?, "cwd"?, "env"?, "timeout_ms", "limits": {...}}
                                                   -> stdout, stderr, exit_code, signal, timed_out, ...
  {"op": "cancel", "target": <run id>}             -> the run answers "cancelled"; cancel answers ok
  {"op": "fs.read"|"fs.write"|"fs.mkdir"|"fs.list"|"fs.remove"|"fs.exists", "path", ...}
  {"op": "nb", "msg": {...}}                       -> relayed to the notebook driver (nbdriver.py)
  {"op": "reset"}                                  -> clean, left: the container emptied for the next
                                                      request, and what could not be removed (reset.py)
A run with "warm": true keeps the template's common modules imported (see _WARM_MODULES).

Modules: wire (frames to the host, the selector), runs (the run op), procs (reaping and sweeping),
fsops (fs.*), nbrelay (nb); shared with the local fork server: rlimits (a run's limits), pyinline
(python3 -c in a fork), proctable (the /proc table).

Why PID 1: inside a PID namespace init cannot be killed by its own processes (kill -9 -1 and
os.kill(os.getppid()) do nothing to it), and every orphan is re-parented to it, so the agent can
reap and sweep everything a run leaves behind.
"""
import sys

# What a fresh `python3 -c` has loaded: an inline run drops every module imported after this.
_FRESH_MODULES = frozenset(sys.modules)

# The warm template's modules: a run with "warm": true keeps these already imported (it is a
# fork, so whatever it changes in them dies with it). The service API's run_code asks for it.
import bisect, collections, copy, dataclasses, datetime, decimal, fractions, functools, heapq, itertools, json, math, operator, random, re, statistics, string, typing  # noqa: E401,F401,E402

_WARM_MODULES = frozenset(sys.modules)

import errno  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import selectors  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402

import nbrelay  # noqa: E402
from dumpable import set_dumpable  # noqa: E402
import procs  # noqa: E402
import reset  # noqa: E402
import runs  # noqa: E402
from fsops import FsError, fs_op  # noqa: E402
from wire import log, read_ready, sel, send, take_lines  # noqa: E402

PROTOCOL_VERSION = 1


def hello():
    langs = []
    try:
        with open("/etc/sandbox/languages.json") as f:
            langs = [x["name"] for x in json.load(f)["languages"]]
    except (OSError, ValueError, KeyError):
        pass
    return {"version": PROTOCOL_VERSION, "pid": os.getpid(), "uid": os.getuid(), "languages": langs}


def handle(req):
    rid = req.get("id")
    op = req.get("op")
    try:
        if op == "hello":
            send({"id": rid, "ok": True, **hello()})
        elif op == "run":
            runs.start(rid, req, _WARM_MODULES if req.get("warm") else _FRESH_MODULES)
        elif op == "cancel":
            send({"id": rid, "ok": True, "found": runs.cancel(req.get("target"))})
        elif op and op.startswith("fs."):
            try:
                send({"id": rid, "ok": True, **fs_op(op, req)})
            except FsError as e:
                send({"id": rid, "ok": False, "code": e.code, "error": str(e)})
            except OSError as e:
                send({"id": rid, "ok": False, "code": errno.errorcode.get(e.errno, "EIO"), "error": e.strerror or str(e)})
        elif op == "nb":
            nbrelay.relay(rid, req.get("msg") or {})
        elif op == "reset":
            if nbrelay._driver is not None:
                send({"id": rid, "ok": True, "clean": False, "left": ["the notebook driver"]})
            else:
                send({"id": rid, "ok": True, **reset.reset()})
        elif op == "sweep":
            if not runs.active:
                procs.sweep_idle()
            send({"id": rid, "ok": True, "processes": len(procs.proc_table())})
        else:
            send({"id": rid, "ok": False, "error": f"unknown op {op!r}"})
    except Exception as e:  # noqa: BLE001 - the agent must keep serving
        log("request failed", op, repr(e))
        send({"id": rid, "ok": False, "error": f"agent error: {type(e).__name__}: {e}"})


class HostInput:
    """Request frames from the host on stdin; EOF (the server's attach stream closed) ends the agent."""

    def __init__(self, fd):
        self.buf = bytearray()
        self.closed = False
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ, self.on_readable)

    def on_readable(self, fd):
        data = read_ready(fd, 1 << 20)
        if data is None:
            return
        if not data:
            self.closed = True
            return
        self.buf += data
        for line in take_lines(self.buf):
            if not line.strip():
                continue
            try:
                req = json.loads(line)
            except ValueError as e:
                send({"id": None, "ok": False, "error": f"bad frame: {e}"})
                continue
            handle(req)


def main():
    # Before anything a run could see: runs share our uid (dumpable.py says why).
    if not set_dumpable(False):
        log("could not make the agent non-dumpable")
    # Orphans are re-parented to us; SIGCHLD wakes the loop to reap them.
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    def on_wake(fd):
        try:
            while os.read(fd, 4096):
                pass
        except BlockingIOError:
            pass
        procs.reap()

    host = HostInput(sys.stdin.fileno())
    sel.register(wake_r, selectors.EVENT_READ, on_wake)
    send({"id": None, "ok": True, "ready": True, "version": PROTOCOL_VERSION})
    while True:
        timeout = runs.tick(time.monotonic())
        for key, _ in sel.select(None if timeout is None else max(0.0, timeout)):
            key.data(key.fd)
            if host.closed:
                log("stdin closed; exiting")
                return
        procs.reap()


if __name__ == "__main__":
    main()
