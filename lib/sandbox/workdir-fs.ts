import "server-only";
import { promises as fs, constants as fsc } from "node:fs";
import path from "node:path";
import type { FileEntry, WorkdirFs } from "./types";

/** A path the sandbox refused; its message is safe to show. */
export class PathRejected extends Error {}

export interface WorkdirFsOptions {
  /** Files the server creates are handed to the sandbox user so its runs can change them. */
  owner?: { uid: number; gid: number };
}

/**
 * Maps a user path to an absolute host path inside `root`.
 * Accepted: relative paths, `/sandbox/...` (the in-sandbox mount point) and absolute host paths
 * inside root. Rejected: `..` segments, NUL bytes, anything resolving outside root.
 */
export function mapPath(root: string, userPath: string): string {
  if (userPath.includes("\0")) throw new PathRejected("Path contains a NUL byte.");
  let rel: string;
  const p = userPath.replace(/\\/g, "/");
  if (p === "/sandbox" || p.startsWith("/sandbox/")) rel = p.slice("/sandbox".length);
  else if (path.isAbsolute(p)) {
    const r = path.relative(root, p);
    if (r.startsWith("..") || path.isAbsolute(r)) throw new PathRejected(`Path ${JSON.stringify(userPath)} is outside the session directory.`);
    rel = r;
  } else rel = p;
  const segments = rel.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) throw new PathRejected(`Path ${JSON.stringify(userPath)} contains "..", which is not allowed.`);
  return path.join(root, ...segments);
}

/** Throws unless every existing component of `abs` stays inside root once symlinks are followed. */
async function assertNoEscape(rootReal: string, abs: string, userPath: string): Promise<void> {
  // Walk up to the deepest existing ancestor and resolve it.
  let probe = abs;
  for (;;) {
    try {
      const real = await fs.realpath(probe);
      if (real !== rootReal && !real.startsWith(rootReal + path.sep)) {
        throw new PathRejected(`Path ${JSON.stringify(userPath)} leads outside the session directory (symlink).`);
      }
      break;
    } catch (e) {
      if (e instanceof PathRejected) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw e;
      // A dangling symlink would be followed by a later write: refuse it.
      const st = await fs.lstat(probe).catch(() => null);
      if (st?.isSymbolicLink()) throw new PathRejected(`Path ${JSON.stringify(userPath)} is a dangling symlink.`);
      const parent = path.dirname(probe);
      if (parent === probe) break;
      probe = parent;
    }
  }
}

export function createWorkdirFs(root: string, opts: WorkdirFsOptions = {}): WorkdirFs & { resolve(p: string): Promise<string> } {
  let rootRealP: Promise<string> | undefined;
  const rootReal = () => (rootRealP ??= fs.realpath(root));

  async function resolve(userPath: string): Promise<string> {
    const abs = mapPath(root, userPath);
    await assertNoEscape(await rootReal(), abs, userPath);
    return abs;
  }

  async function chownIfNeeded(p: string) {
    if (opts.owner) await fs.lchown(p, opts.owner.uid, opts.owner.gid);
  }

  async function mkdirs(dir: string) {
    const rel = path.relative(root, dir);
    let cur = root;
    for (const seg of rel.split(path.sep).filter(Boolean)) {
      cur = path.join(cur, seg);
      try {
        await fs.mkdir(cur);
        await chownIfNeeded(cur);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      }
    }
    await assertNoEscape(await rootReal(), dir, dir);
  }

  return {
    resolve,
    async read(p, o) {
      const abs = await resolve(p);
      // O_NOFOLLOW: the last component may not be swapped for a symlink after the check.
      const fh = await fs.open(abs, fsc.O_RDONLY | fsc.O_NOFOLLOW);
      try {
        if (o?.max_bytes === undefined) return await fh.readFile();
        const buf = Buffer.alloc(o.max_bytes);
        let n = 0;
        while (n < o.max_bytes) {
          const { bytesRead } = await fh.read(buf, n, o.max_bytes - n, n);
          if (bytesRead === 0) break;
          n += bytesRead;
        }
        return buf.subarray(0, n);
      } finally {
        await fh.close();
      }
    },
    async write(p, data, o) {
      const abs = await resolve(p);
      if (abs === root) throw new PathRejected("Cannot write to the session directory itself.");
      await mkdirs(path.dirname(abs));
      const flags = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_NOFOLLOW | (o?.create_only ? fsc.O_EXCL : fsc.O_TRUNC);
      const fh = await fs.open(abs, flags, 0o644);
      try {
        await fh.writeFile(data);
        // Permission bits only: no setuid, setgid or sticky bit from a caller.
        if (o?.mode !== undefined) await fh.chmod(o.mode & 0o777);
        if (opts.owner) await fh.chown(opts.owner.uid, opts.owner.gid);
      } finally {
        await fh.close();
      }
    },
    async mkdir(p) {
      const abs = await resolve(p);
      await mkdirs(abs);
      const st = await fs.lstat(abs);
      if (!st.isDirectory()) throw new PathRejected(`${JSON.stringify(p)} exists and is not a directory.`);
    },
    async remove(p) {
      const abs = await resolve(p);
      if (abs === root) throw new PathRejected("Cannot delete the session directory itself.");
      const st = await fs.lstat(abs);
      if (st.isDirectory()) await fs.rm(abs, { recursive: true });
      else await fs.unlink(abs);
    },
    async list(p) {
      const abs = await resolve(p);
      const entries = await fs.readdir(abs, { withFileTypes: true });
      const out: FileEntry[] = [];
      for (const e of entries) {
        const st = await fs.lstat(path.join(abs, e.name)).catch(() => null);
        out.push({
          name: e.name,
          type: e.isSymbolicLink() ? "symlink" : e.isDirectory() ? "dir" : e.isFile() ? "file" : "other",
          size: st?.size ?? 0,
        });
      }
      return out.sort((a, b) => a.name.localeCompare(b.name));
    },
    async exists(p) {
      const abs = await resolve(p);
      return (await fs.lstat(abs).catch(() => null)) !== null;
    },
  };
}
