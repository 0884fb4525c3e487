#!/usr/bin/env python3
"""Notebook driver: holds one real Jupyter kernel (ipykernel, through jupyter_client's
KernelManager + BlockingKernelClient) and serves it over newline-delimited JSON on stdin/stdout.

Requests (one JSON object per line, each with an "id"):
  {"op": "execute", "code": str, "timeout_s": float}
      -> {"ok": true, "status": "ok"|"error"|"timeout", "outputs": [...], "execution_count",
          "interrupted": bool, "restarted": bool, "duration_ms"}
  {"op": "interrupt"}   interrupt the running cell (answers at once)
  {"op": "restart"}     fresh kernel, all state lost
  {"op": "shutdown"}    stop the kernel and exit
Outputs are Jupyter's own: stream, execute_result, display_data (mime bundles), error.

Used inside the Docker sandbox (started by agent.py) and, when the host has ipykernel, by the local
backend (under its isolation). Only the standard library and jupyter_client are needed here.
"""
import json
import os
import queue
import sys
import threading
import time

for var, val in (
    ("JUPYTER_RUNTIME_DIR", "/tmp/.jupyter/runtime"),
    ("JUPYTER_DATA_DIR", "/tmp/.jupyter/data"),
    ("JUPYTER_CONFIG_DIR", "/tmp/.jupyter/config"),
    ("IPYTHONDIR", "/tmp/.ipython"),
    ("MPLCONFIGDIR", "/tmp/.mpl"),
):
    os.environ.setdefault(var, val)
# Inline figures: the kernel turns finished figures into display_data PNGs.
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

from jupyter_client.manager import KernelManager  # noqa: E402

out_lock = threading.Lock()
MAX_OUTPUT_CHARS = int(os.environ.get("NB_MAX_OUTPUT_CHARS", str(1 << 20)))
SETUP = "%matplotlib inline\n"


def send(obj):
    line = json.dumps(obj, separators=(",", ":")) + "\n"
    with out_lock:
        sys.stdout.write(line)
        sys.stdout.flush()


class Kernel:
    def __init__(self):
        self.km = None
        self.kc = None
        self.busy = threading.Event()

    def start(self):
        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(cwd=os.getcwd(), env=dict(os.environ))
        self.kc = self.km.blocking_client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=60)
        self.run_quiet(SETUP)

    def run_quiet(self, code):
        msg_id = self.kc.execute(code, silent=True, store_history=False)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                msg = self.kc.get_iopub_msg(timeout=1)
            except queue.Empty:
                continue
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return

    def ensure(self):
        """Starts the kernel if needed; True when a kernel that existed had died (state lost)."""
        if self.km is None:
            self.start()
            return False
        if not self.km.is_alive():
            self.stop()
            self.start()
            return True
        return False

    def stop(self):
        try:
            if self.kc is not None:
                self.kc.stop_channels()
        except Exception:  # noqa: BLE001
            pass
        try:
            if self.km is not None:
                self.km.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001
            pass
        self.km = None
        self.kc = None

    def restart(self):
        self.stop()
        self.start()

    def interrupt(self):
        if self.km is not None and self.busy.is_set():
            self.km.interrupt_kernel()

    def execute(self, code, timeout_s):
        started = time.monotonic()
        restarted = self.ensure()
        # Drop stale iopub traffic from earlier interrupted cells.
        while True:
            try:
                self.kc.get_iopub_msg(timeout=0)
            except queue.Empty:
                break
        self.busy.set()
        # stop_on_error=False: after a failing cell the kernel otherwise aborts requests that reach it
        # before it stops "aborting" (a timing window), so the next cell would silently not run.
        msg_id = self.kc.execute(code, store_history=True, allow_stdin=False, stop_on_error=False)
        deadline = started + timeout_s
        outputs = []
        chars = 0
        truncated = False
        status = "ok"
        interrupted = False
        interrupt_deadline = None
        execution_count = None
        try:
            while True:
                now = time.monotonic()
                if not interrupted and now >= deadline:
                    interrupted = True
                    status = "timeout"
                    self.km.interrupt_kernel()
                    interrupt_deadline = now + 5
                if interrupt_deadline is not None and now >= interrupt_deadline:
                    # The cell ignores SIGINT (e.g. stuck in C code): only a restart frees the kernel.
                    self.restart()
                    restarted = True
                    break
                wait = (interrupt_deadline if interrupted else deadline) - now
                try:
                    msg = self.kc.get_iopub_msg(timeout=max(0.01, min(wait, 1.0)))
                except queue.Empty:
                    if not self.km.is_alive():
                        status = "error"
                        outputs.append({"type": "error", "ename": "KernelDied", "evalue": "The kernel died (out of memory or killed); it was restarted and its state is lost.", "traceback": []})
                        self.restart()
                        restarted = True
                        break
                    continue
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                t = msg["msg_type"]
                c = msg["content"]
                if t == "status" and c.get("execution_state") == "idle":
                    break
                if t == "execute_input":
                    execution_count = c.get("execution_count")
                    continue
                item = None
                if t == "stream":
                    item = {"type": "stream", "name": c.get("name", "stdout"), "text": c.get("text", "")}
                elif t in ("execute_result", "display_data"):
                    item = {"type": t, "data": c.get("data", {})}
                    if t == "execute_result":
                        execution_count = c.get("execution_count", execution_count)
                elif t == "error":
                    if status != "timeout":
                        status = "error"
                    item = {"type": "error", "ename": c.get("ename", ""), "evalue": c.get("evalue", ""), "traceback": c.get("traceback", [])}
                elif t == "clear_output":
                    outputs.clear()
                    chars = 0
                    continue
                if item is None:
                    continue
                size = len(json.dumps(item))
                if chars + size > MAX_OUTPUT_CHARS:
                    truncated = True
                    continue
                chars += size
                # Merge consecutive stream chunks of the same stream.
                if item["type"] == "stream" and outputs and outputs[-1]["type"] == "stream" and outputs[-1]["name"] == item["name"]:
                    outputs[-1]["text"] += item["text"]
                else:
                    outputs.append(item)
        finally:
            self.busy.clear()
        return {
            "ok": True,
            "status": status,
            "outputs": outputs,
            "execution_count": execution_count,
            "interrupted": interrupted,
            "restarted": restarted,
            "truncated": truncated,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
        }


def main():
    kernel = Kernel()
    work = queue.Queue()

    def worker():
        while True:
            req = work.get()
            rid = req.get("id")
            op = req.get("op")
            try:
                if op == "execute":
                    res = kernel.execute(str(req.get("code", "")), float(req.get("timeout_s", 30)))
                elif op == "restart":
                    kernel.restart()
                    res = {"ok": True, "restarted": True}
                elif op == "start":
                    kernel.ensure()
                    res = {"ok": True}
                elif op == "shutdown":
                    kernel.stop()
                    send({"id": rid, "ok": True})
                    os._exit(0)
                else:
                    res = {"ok": False, "error": f"unknown op {op!r}"}
            except Exception as e:  # noqa: BLE001 - report, keep serving
                res = {"ok": False, "error": f"{type(e).__name__}: {e}"}
            send({"id": rid, **res})

    threading.Thread(target=worker, daemon=True).start()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
        except ValueError as e:
            send({"id": None, "ok": False, "error": f"bad frame: {e}"})
            continue
        if req.get("op") == "interrupt":
            try:
                kernel.interrupt()
                send({"id": req.get("id"), "ok": True})
            except Exception as e:  # noqa: BLE001
                send({"id": req.get("id"), "ok": False, "error": str(e)})
            continue
        work.put(req)
    kernel.stop()


if __name__ == "__main__":
    main()
