"""The fs.* ops: read, write, mkdir, list, remove and test paths inside the sandbox's own storage.
A relative path is in the session directory (WORKDIR); an absolute one must be inside one of
ROOTS, the container's writable mounts (read-only image files are not the sandbox's to hand out).
Every path is refused if it (or a symlink on its way) leads out of its root."""
import base64
import json
import os
import stat

WORKDIR = "/sandbox"
# The container's writable tmpfs mounts (lib/sandbox/backends/docker-box.ts).
ROOTS = (WORKDIR, "/tmp", "/mnt")


class FsError(Exception):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


def root_of(p):
    for r in ROOTS:
        if p == r or p.startswith(r + "/"):
            return r
    return None


def resolve(p):
    """(absolute path, its root)."""
    if not isinstance(p, str) or "\0" in p:
        raise FsError("EREJECTED", "invalid path")
    root = WORKDIR
    if p.startswith("/"):
        root = root_of(p)
        if root is None:
            raise FsError("EREJECTED", f"Path {json.dumps(p)} is outside the sandbox's storage ({', '.join(ROOTS)}).")
        p = p[len(root):]
    segs = [s for s in p.split("/") if s and s != "."]
    if ".." in segs:
        raise FsError("EREJECTED", f'Path {json.dumps(p)} contains "..", which is not allowed.')
    abs_path = os.path.join(root, *segs)
    # The deepest existing ancestor, symlinks resolved, must stay inside the root.
    probe = abs_path
    while True:
        if os.path.lexists(probe):
            real = os.path.realpath(probe)
            if real != root and not real.startswith(root + "/"):
                raise FsError("EREJECTED", f"Path {json.dumps(p)} leads outside {root} (symlink).")
            break
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    return abs_path, root


def fs_op(op, req):
    path, root = resolve(req.get("path", ""))
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
        if path == root:
            raise FsError("EREJECTED", f"Cannot write to {root} itself.")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        resolve(req.get("path", ""))
        flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_EXCL if req.get("create_only") else os.O_TRUNC)
        fd = os.open(path, flags, 0o644)
        try:
            if req.get("mode") is not None:
                # Permission bits only: no setuid, setgid or sticky bit from a caller.
                os.fchmod(fd, int(req["mode"]) & 0o777)
            view = memoryview(base64.b64decode(req.get("data", "")))
            while view:
                n = os.write(fd, view)
                view = view[n:]
        finally:
            os.close(fd)
        return {}
    if op == "fs.mkdir":
        os.makedirs(path, exist_ok=True)
        resolve(req.get("path", ""))
        if not os.path.isdir(path) or os.path.islink(path):
            raise FsError("ENOTDIR", f"{json.dumps(req.get('path'))} exists and is not a directory.")
        return {}
    if op == "fs.remove":
        if path == root:
            raise FsError("EREJECTED", f"Cannot delete {root} itself.")
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
