"""The fs.* ops: read, write, list, remove and test paths inside the session directory. Every path
is resolved against WORKDIR and refused if it (or a symlink on its way) leads outside."""
import base64
import json
import os
import stat

WORKDIR = "/sandbox"


class FsError(Exception):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


def resolve(p):
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
