"""The agent's I/O: NDJSON frames to the host on stdout, and the one selector every descriptor
(host stdin, run pipes, the notebook driver) is registered with. A registration's data is the
callback the main loop calls with the ready fd."""
import json
import os
import selectors
import sys

sel = selectors.DefaultSelector()
out_fd = sys.stdout.fileno()


def log(*a):
    print("[agent]", *a, file=sys.stderr, flush=True)


def send(obj):
    # stdout stays blocking: a slow reader applies back-pressure instead of losing frames.
    send_raw((json.dumps(obj, separators=(",", ":")) + "\n").encode())


def send_bytes(obj, data):
    """A frame followed by its raw bytes, in one write (nothing comes between them)."""
    obj["raw"] = len(data)
    send_raw((json.dumps(obj, separators=(",", ":")) + "\n").encode() + bytes(data))


def send_raw(data):
    write_all(out_fd, data)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except InterruptedError:
            continue
        view = view[n:]


def read_ready(fd, n):
    """What a readable non-blocking fd holds: bytes, b"" at EOF (or on a read error), None when
    nothing is there after all."""
    try:
        return os.read(fd, n)
    except BlockingIOError:
        return None
    except OSError:
        return b""


def take_lines(buf):
    """The complete lines in buf (a bytearray), removed from it; a partial last line stays."""
    end = buf.rfind(b"\n")
    if end < 0:
        return []
    lines = bytes(buf[:end]).split(b"\n")
    del buf[:end + 1]
    return lines


def decode(b):
    return b.decode("utf-8", errors="replace")


def close_fd(fd):
    try:
        sel.unregister(fd)
    except (KeyError, ValueError):
        pass
    try:
        os.close(fd)
    except OSError:
        pass
